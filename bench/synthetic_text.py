"""The words the synthetic profiles and missions of the benchmarks are drawn from: French and English
CTO vocabulary, so the text part of the engine (hashed words and lexicon concepts) has real work."""

CTO_VOCABULARY = (
    "stratégie technique feuille de route architecture cloud migration sécurité informatique équipe "
    "recrutement management delivery produit plateforme scalabilité performance data gouvernance "
    "conformité RGPD audit infrastructure devops CI/CD qualité tests recette mise en production "
    "roadmap budget prestataires appels d'offres cahier des charges application mobile site web CRM "
    "innovation veille technologique microservices API legacy refonte SI ERP transformation digitale "
    "strategy technical leadership hiring scaling platform security compliance cloud-native startup "
    "scale-up fintech payments banking agency clients stakeholders executive committee board mentoring "
    "agile scrum kanban observability incident crisis risk management cost optimisation vendor "
    "product discovery MVP growth analytics machine learning LLM automation SaaS B2B B2C marketplace"
)
