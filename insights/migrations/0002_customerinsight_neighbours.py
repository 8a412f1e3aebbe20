"""The neighbours block of a result gets a column of its own (written by the run's
finish), apart from the report."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('insights', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='customerinsight',
            name='neighbours',
            field=models.JSONField(blank=True, null=True),
        ),
    ]
