"""The dismissal reasons shipped (an installation edits the list), the run lock row and
the supervision actions of the roles of DOMAIN.md section 5."""

from django.db import migrations

REASONS = [
    # code, Chinese, English
    ("data_error", "数据错误或录入问题", "Error in the source data"),
    ("explained", "有合理解释并经核实", "Legitimate explanation, verified"),
    ("already_handled", "已在其他渠道处理", "Already handled elsewhere"),
    ("below_threshold", "情节轻微，不予立线", "Too minor to pursue"),
    ("identity_mismatch", "身份匹配错误", "Wrong identity match"),
    ("other", "其他", "Other"),
]

ACTIONS = {
    "analyst": ["run.view", "run.start", "hit.view", "hit.triage", "hit.escalate"],
    # Those who may see clues about leading cadres may see the hits naming them.
    "clue_officer": ["run.view", "hit.view", "hit.view_cadre", "hit.triage", "hit.escalate"],
    "discipline_supervisor": ["run.view", "hit.view", "hit.view_cadre"],
}


def add(apps, schema_editor):
    Reason = apps.get_model("supervision", "DismissalReason")
    for order, (code, zh, en) in enumerate(REASONS):
        Reason.objects.update_or_create(
            code=code, defaults={"label_zh": zh, "label_en": en, "sort_order": order}
        )
    apps.get_model("supervision", "RunLock").objects.get_or_create(name="warehouse")
    Role = apps.get_model("accounts", "Role")
    for code, actions in ACTIONS.items():
        role = Role.objects.filter(code=code).first()
        if role is not None:
            role.actions = sorted(set(role.actions) | set(actions))
            role.save(update_fields=["actions"])


def remove(apps, schema_editor):
    Role = apps.get_model("accounts", "Role")
    for code, actions in ACTIONS.items():
        role = Role.objects.filter(code=code).first()
        if role is not None:
            role.actions = sorted(set(role.actions) - set(actions))
            role.save(update_fields=["actions"])
    apps.get_model("supervision", "DismissalReason").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("supervision", "0001_initial"), ("accounts", "0002_roles")]
    operations = [migrations.RunPython(add, remove)]
