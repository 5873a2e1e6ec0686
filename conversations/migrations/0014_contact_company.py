from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("conversations", "0013_reports_indexes")]

    operations = [
        migrations.AddField(
            model_name="contact",
            name="company",
            field=models.CharField(blank=True, max_length=200),
        ),
    ]
