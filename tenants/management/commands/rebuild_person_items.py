from tenants.management.rebuilding import LAORebuildCommand


class Command(LAORebuildCommand):
    help = ("Recompute what LAOs publish about each person's open items (returns to file, invoices to pay, "
            "information asked, permits ending, credits, recent receipts) from each LAO's own schema, replacing "
            "what was published, in one transaction per LAO. --all goes through every onboarded LAO in batches, "
            "in parallel workers.")
    kinds = ("item", "business")

    def rebuild(self, lao) -> dict:
        from tenant_apps.published.person_items import rebuild_lao

        return rebuild_lao(lao)
