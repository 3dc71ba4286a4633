"""A small register directory whose models find: P01 (a payment after death), B04 (a new
company wins big) and B01 (the company of a cadre's spouse wins), used by the flow tests."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

FILES = {
    "organizations.csv": (
        "org_id,name,uscc,kind,region_code,founded_date,registered_capital\n"
        "o1,某县民政局,11330100MB0000001X,public_body,330102,2001-01-01,\n"
        "o3,某县交通投资集团,91330100MA0000003Q,soe,330102,2005-01-01,50000000\n"
        "o2,鑫源贸易有限公司,91330100MA0000002Y,company,330106,2024-01-10,1000000\n"
    ),
    "persons.csv": (
        "person_id,name,id_number,death_date\np1,王芳,,2023-11-30\np2,张局长,,\np3,李梅,,\n"
    ),
    "posts.csv": (
        "person_id,org_id,title,rank,is_leading_cadre,start_date,end_date\n"
        "p2,o3,董事长,enterprise_executive,true,2019-01-01,\n"
    ),
    "family.csv": "person_id,relationship,relative_person_id\np2,spouse,p3\n",
    "ownerships.csv": (
        "owner_id,owner_type,org_id,share_pct,start_date\np3,person,o2,60,2024-01-10\n"
    ),
    "payments.csv": (
        "payment_id,payer_org_id,programme,amount,paid_date,beneficiary_person_id,region_code\n"
        "pay1,o1,dibao,680,2024-05-03,p1,330102\n"
        "pay2,o1,dibao,680,2023-10-03,p1,330102\n"
    ),
    "contracts.csv": (
        "contract_id,buyer_org_id,supplier_org_id,amount,signed_date\nc1,o3,o2,2000000,2024-03-01\n"
    ),
}


def write(directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in FILES.items():
        (directory / name).write_text(text, encoding="utf-8")
    return directory


def zip_bytes(top: str = "registers") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in FILES.items():
            archive.writestr(f"{top}/{name}", text)
    return buffer.getvalue()
