from tenants.management.rebuilding import LAORebuildCommand


class Command(LAORebuildCommand):
    help = ("Recompute the figures LAOs publish for oversight (money by service, channel and day with its monthly "
            "roll-up, filing, permits, businesses) from each LAO's own schema, replacing what was published, in "
            "one transaction per LAO. --all goes through every onboarded LAO in batches, in parallel workers.")
    kinds = ("revenue", "filing", "permits", "businesses")
    what = "figures"

    def rebuild(self, lao) -> dict:
        from tenant_apps.published.figures import rebuild

        return rebuild(lao)

    def after_all(self, rows: dict) -> None:
        """Every LAO's share again, with the province and type the registry has now."""
        from shared_apps.oversight.services import area_rollup_rebuild

        rows["national roll-up"] = area_rollup_rebuild()
