import factory
from django.contrib.auth import get_user_model

# The demo LAOs `make run` onboards, reused by the tests (see conftest.py).
DEMO = {
    "pao": "2540101",  # องค์การบริหารส่วนจังหวัดแพร่
    "town": "4540102",  # เทศบาลเมืองแพร่
    "sao": "6540113",  # องค์การบริหารส่วนตำบลกาญจนา
    "pattaya": "3200408",  # เมืองพัทยา
}
NOT_ONBOARDED = "6540114"  # SAO Na Chak (Phrae), left registered, for the "not yet onboarded" page
PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.invalid")

    @factory.post_generation
    def password(user, create, extracted, **kwargs):
        user.set_password(extracted or PASSWORD)
        if create:
            user.save(update_fields=["password"])


def lao_forget(dla_code: str) -> None:
    """Undo a LAO a test committed for itself (its schema, registry row, domains, events, national sums), so
    nothing of it reaches another test or the next run of a reused test database."""
    from django.conf import settings
    from django.db import connection

    from tenants.models import LAO, SchemaMigrationState

    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        cursor.execute(f'DROP SCHEMA IF EXISTS "lao_{dla_code}" CASCADE')
    SchemaMigrationState.objects.filter(schema_name=f"lao_{dla_code}").delete()
    # Every public row that points at the LAO (domains, events, published figures, jobs…), whatever app
    # added it; raw deletes, since the ORM would also cascade into LAO apps' tables, absent from public.
    public_relations = [relation for relation in LAO._meta.get_fields(include_hidden=True)
                        if relation.auto_created and not relation.concrete
                        and (relation.one_to_many or relation.one_to_one)
                        and relation.related_model._meta.app_config.name in settings.SHARED_APPS]
    for lao in LAO.objects.filter(dla_code=dla_code):
        for relation in public_relations:
            relation.related_model._base_manager.filter(**{relation.field.name: lao})._raw_delete(connection.alias)
        LAO.objects.filter(pk=lao.pk)._raw_delete(connection.alias)
    from shared_apps.oversight.services import area_rollup_rebuild

    area_rollup_rebuild()  # the national roll-up keeps no LAO key: recomputed without this LAO
