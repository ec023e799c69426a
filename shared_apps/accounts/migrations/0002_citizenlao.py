from django.conf import settings
from django.db import migrations, models
import django.db.models.deletion


class Migration(migrations.Migration):
    # Separate from 0001: the LAO registry itself depends on the user model.
    dependencies = [
        ('accounts', '0001_initial'),
        ('tenants', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='CitizenLAO',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('first_at', models.DateTimeField(auto_now_add=True)),
                ('last_at', models.DateTimeField(auto_now=True)),
                ('lao', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tenants.lao')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='lao_contacts', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['-last_at'],
                'constraints': [models.UniqueConstraint(fields=('user', 'lao'), name='one_contact_row_per_user_and_lao')],
            },
        ),
    ]
