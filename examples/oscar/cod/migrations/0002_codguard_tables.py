"""codguard's own tables (cg_orders, cg_keys, cg_meta) in the shop's database, created by
codguard.sql.Store.migrate (idempotent)."""

from django.conf import settings
from django.db import migrations


def create_tables(apps, schema_editor):
    import codguard.sql

    conn = schema_editor.connection
    conn.ensure_connection()
    codguard.sql.Store(conn.connection, secret=settings.COD_SHOP_SECRET.encode(), dialect="postgres").migrate()


class Migration(migrations.Migration):
    dependencies = [("cod", "0001_initial")]
    operations = [migrations.RunPython(create_tables, migrations.RunPython.noop)]
