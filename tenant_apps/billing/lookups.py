"""`field__any=[…]`: `field = ANY(%s)` with one array parameter. For the thousands of ids and references
of a statement file, Django's IN list (a parameter per value, each prepared in Python) costs more than the
query, and PostgreSQL answers `= ANY(array)` with the same index scan."""
from django.db.models import Field, ForeignObject, Lookup


@Field.register_lookup
class AnyOf(Lookup):
    lookup_name = "any"
    prepare_rhs = False

    def process_rhs(self, compiler, connection):
        return "%s", [list(self.rhs)]

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY({rhs})", [*lhs_params, *rhs_params]


ForeignObject.register_lookup(AnyOf)  # obligation_id__any=[ids]
