"""Every sortable column of every officer list sorts both ways without a server error, and its export opens."""
import pytest

from tenant_apps.advertising import lists as advertising
from tenant_apps.billing import lists as billing
from tenant_apps.officers import lists as officers
from tenant_apps.pao_filing import lists as pao
from tests.pao import officer
from tests.test_lists_pao import as_dopa

pytestmark = pytest.mark.django_db
PAO_LISTS = [("/pao/registrations/", pao.REGISTRATIONS), ("/pao/returns/", pao.RETURNS),
             ("/pao/overdue/", pao.OVERDUE)]
MONEY_LISTS = [("/billing/invoices/", billing.INVOICES), ("/billing/receipts/", billing.RECEIPTS),
               ("/billing/statements/", billing.STATEMENTS), ("/billing/exceptions/", billing.EXCEPTIONS),
               ("/billing/refunds/", billing.REFUNDS)]
COMMON_LISTS = [("/officers/", officers.OFFICERS), ("/officers/audit/", officers.AUDIT)]


def _walk(client, lao, lists):
    for path, spec in lists:
        for column in spec.columns:
            if not column.sort:
                continue
            for sort in (column.key, f"-{column.key}"):
                response = client.get(path, {"sort": sort, "status": "all"} if spec.default_status else
                                      {"sort": sort}, HTTP_HOST=lao.host)
                assert response.status_code == 200, (path, sort, response.status_code)
                assert response.context["listing"].sort == sort
        for fmt in ("csv", "xlsx"):
            assert client.get(path, {"export": fmt}, HTTP_HOST=lao.host).status_code == 200, (path, fmt)


def test_every_pao_list_sorts_by_every_sortable_column(client, pao):
    as_dopa(client, officer(pao, "clerk", "finance", "lao_admin"))
    _walk(client, pao, PAO_LISTS + MONEY_LISTS + COMMON_LISTS)


def test_every_municipal_list_sorts_by_every_sortable_column(client, sao):
    as_dopa(client, officer(sao, "clerk", "finance", "lao_admin"))
    _walk(client, sao, [("/advertising/officers/", advertising.APPLICATIONS)] + MONEY_LISTS + COMMON_LISTS)
