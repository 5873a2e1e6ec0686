from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("helpdesk", "0002_team_business_hours_sla_policy"),
    ]

    operations = [
        migrations.AddField(
            model_name="operation",
            name="task_args",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.AddField(
            model_name="operation",
            name="task_name",
            field=models.CharField(blank=True, max_length=200),
        ),
        migrations.AddIndex(
            model_name="operation",
            index=models.Index(fields=["status", "updated_at"], name="helpdesk_op_status_fb8943_idx"),
        ),
    ]
