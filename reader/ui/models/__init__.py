"""Item models over domain objects, one per module; this package re-exports every public name.

Articles, search hits, facets, entities, policies, mentions and notes. Models hold plain
lists of library objects and never call the library: the window fetches data through the
task runner and hands it over with `set_*`. Custom roles are in `common`.
"""

from reader.markup import plain_line
from reader.ui.models.articles import ArticleModel, ArticleProxy
from reader.ui.models.common import (
    HTML_ROLE,
    ID_ROLE,
    OBJECT_ROLE,
    SORT_ROLE,
    FlatTable,
    bold_span,
    local_time,
    note_label,
    short_time,
)
from reader.ui.models.entities import ENTITY_MIME, TYPE_ORDER, EntityModel
from reader.ui.models.facets import FacetModel
from reader.ui.models.grouped import GroupedModel, TreeFilterProxy
from reader.ui.models.hits import HitModel
from reader.ui.models.mentions import MentionModel
from reader.ui.models.note_hits import NoteHitModel
from reader.ui.models.notes import ORPHAN_TIP, NoteModel, NoteProxy
from reader.ui.models.policies import PolicyModel, actors_of, date_range

__all__ = [
    "ENTITY_MIME", "HTML_ROLE", "ID_ROLE", "OBJECT_ROLE", "ORPHAN_TIP", "SORT_ROLE",
    "TYPE_ORDER", "ArticleModel", "ArticleProxy", "EntityModel", "FacetModel", "FlatTable",
    "GroupedModel", "HitModel", "MentionModel", "NoteHitModel", "NoteModel", "NoteProxy",
    "PolicyModel", "TreeFilterProxy", "actors_of", "bold_span", "date_range",
    "local_time", "note_label", "plain_line", "short_time",
]
