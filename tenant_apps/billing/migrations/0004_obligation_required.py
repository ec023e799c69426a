import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("billing", "0003_obligations"),
    ]

    operations = [
        migrations.AlterField(
            model_name="invoice",
            name="obligation",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="invoices",
                                    to="billing.obligation"),
        ),
        migrations.AlterField(
            model_name="payment",
            name="obligation",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="payments",
                                    to="billing.obligation"),
        ),
    ]
