"""The competence taxonomy (DOMAIN.md §2), loaded from fixtures/taxonomy.json."""

from __future__ import annotations

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, str_enum
from models.enums import TaxonomyKind


class TaxonomyItem(Base):
    __tablename__ = "taxonomy_items"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[TaxonomyKind] = mapped_column(
        str_enum(TaxonomyKind, "taxonomy_kind", 32),
        nullable=False,
        index=True,
    )
    label_en: Mapped[str] = mapped_column(String(200), nullable=False)
    label_fr: Mapped[str] = mapped_column(String(200), nullable=False)
    description: Mapped[str] = mapped_column(Text, default="", nullable=False)
