"""Bank secrets sealed at rest: the columns become text holding Fernet tokens, and values saved before
are sealed here (raw SQL: the historical model would try to unseal them). Each secret already set is
dated by the row's last change, the best that is known of when it was set."""

import django.db.models.deletion
import shared_apps.sealing
from django.conf import settings
from django.db import migrations, models

SECRETS = ("hmac_secret", "hmac_secret_previous", "ktb_password")


def seal_plain_values(apps, schema_editor):
    from shared_apps.sealing import is_sealed, seal

    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"SELECT id, updated_at, updated_by_id, {', '.join(SECRETS)} FROM billing_paymentsettings")
        for pk, updated_at, updated_by, *values in cursor.fetchall():
            for name, value in zip(SECRETS, values):
                if value and not is_sealed(value):
                    cursor.execute(f"UPDATE billing_paymentsettings SET {name} = %s, {name}_set_at = %s, "
                                   f"{name}_set_by_id = %s WHERE id = %s", [seal(value), updated_at, updated_by, pk])


def unseal_values(apps, schema_editor):
    from shared_apps.sealing import unseal

    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"SELECT id, {', '.join(SECRETS)} FROM billing_paymentsettings")
        for pk, *values in cursor.fetchall():
            for name, value in zip(SECRETS, values):
                if value:
                    cursor.execute(f"UPDATE billing_paymentsettings SET {name} = %s WHERE id = %s",
                                   [unseal(value)[:128], pk])


class Migration(migrations.Migration):

    dependencies = [
        ('billing', '0005_unmatched_bank_money_index'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='paymentsettings',
            name='hmac_secret_previous_set_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='paymentsettings',
            name='hmac_secret_previous_set_by',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='paymentsettings',
            name='hmac_secret_set_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='paymentsettings',
            name='hmac_secret_set_by',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='paymentsettings',
            name='ktb_password_set_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='paymentsettings',
            name='ktb_password_set_by',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AlterField(
            model_name='paymentsettings',
            name='hmac_secret',
            field=shared_apps.sealing.SealedTextField(blank=True, verbose_name='notification secret'),
        ),
        migrations.AlterField(
            model_name='paymentsettings',
            name='hmac_secret_previous',
            field=shared_apps.sealing.SealedTextField(blank=True, verbose_name='previous secret (during rotation)'),
        ),
        migrations.AlterField(
            model_name='paymentsettings',
            name='ktb_password',
            field=shared_apps.sealing.SealedTextField(blank=True, verbose_name='KTB password'),
        ),
        migrations.AlterField(
            model_name='paymentsettings',
            name='ktb_user',
            field=models.CharField(blank=True, max_length=64, verbose_name='KTB user'),
        ),
        migrations.RunPython(seal_plain_values, unseal_values),
    ]
