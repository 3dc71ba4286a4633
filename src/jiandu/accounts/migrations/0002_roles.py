"""The roles of DOMAIN.md section 5, as data an installation may edit afterwards."""

from django.db import migrations

VIEW = ["orgunit.view", "person.view"]

ROLES = [
    # code, Chinese, English, description zh, description en, actions
    (
        "system_admin",
        "系统管理员",
        "System administrator",
        "管理账号、角色和设置；不接触案件内容。",
        "Manages accounts, roles and settings; no access to case content.",
        ["account.manage", "orgunit.view"],
    ),
    (
        "office",
        "巡视工作领导小组办公室",
        "Inspection leading-group office",
        "计划巡视轮次、组建巡视组、阅看全部巡视材料、接收整改报告、开展考核。",
        "Plans rounds, forms teams, reads all inspection material, receives rectification reports, assesses.",
        ["orgunit.view", "orgunit.manage", "person.view", "person.manage"],
    ),
    (
        "team_leader",
        "巡视组组长",
        "Inspection team leader",
        "为本组巡视对象记录问题和证据、起草报告和反馈意见、登记问题线索。",
        "Records findings and evidence for the team's targets, drafts reports and feedback, registers clues.",
        VIEW,
    ),
    (
        "team_member",
        "巡视组成员",
        "Inspection team member",
        "为本组巡视对象记录问题和证据。",
        "Records findings and evidence for the team's targets.",
        VIEW,
    ),
    (
        "unit_leader",
        "被巡视单位主要负责人",
        "Inspected unit top leader",
        "阅看反馈给本单位的意见，组织整改，签署整改报告。",
        "Reads the feedback addressed to the unit, leads rectification, signs the report.",
        VIEW,
    ),
    (
        "unit_liaison",
        "被巡视单位联络员",
        "Inspected unit liaison",
        "维护本单位的整改清单，提交进展和佐证材料。",
        "Keeps the unit's lists, submits progress and evidence.",
        VIEW,
    ),
    (
        "discipline_supervisor",
        "纪检监察监督人员",
        "Discipline supervisor",
        "督促整改、现场检查、签署销号、发出督办函件。",
        "Verifies rectification, runs on-site checks, signs cancellations, issues escalation letters.",
        VIEW,
    ),
    (
        "orgdept_supervisor",
        "组织部门监督人员",
        "Organization-department supervisor",
        "督促整改、现场检查、签署销号；维护干部信息。",
        "Verifies rectification, runs on-site checks, signs cancellations; keeps cadre records.",
        [*VIEW, "person.manage"],
    ),
    (
        "clue_officer",
        "线索管理人员",
        "Clue officer",
        "管理问题线索台账。",
        "Keeps the clue ledger.",
        VIEW,
    ),
    (
        "clue_handler",
        "线索承办人员",
        "Clue handler",
        "对分配的线索提出并执行处置和移交。",
        "Proposes and carries out disposals and transfers for assigned clues.",
        VIEW,
    ),
    (
        "analyst",
        "数据分析人员",
        "Analyst",
        "加载数据、运行监督模型、研判疑点、转为问题线索。",
        "Loads registers, runs models, triages hits, escalates them to clues.",
        VIEW,
    ),
    (
        "functional_dept",
        "职能部门",
        "Functional department",
        "阅看本行业共性问题的跨单位分析。",
        "Reads cross-unit analytics of common problems in its sector.",
        ["orgunit.view"],
    ),
    (
        "auditor",
        "审计人员",
        "Auditor",
        "阅看审计日志和阅读记录。",
        "Reads the audit trail and the read log.",
        ["audit.view", "orgunit.view"],
    ),
]


def add_roles(apps, schema_editor):
    Role = apps.get_model("accounts", "Role")
    for order, (code, zh, en, dzh, den, actions) in enumerate(ROLES):
        Role.objects.update_or_create(
            code=code,
            defaults={
                "name_zh": zh,
                "name_en": en,
                "description_zh": dzh,
                "description_en": den,
                "actions": sorted(actions),
                "sort_order": order,
            },
        )


def remove_roles(apps, schema_editor):
    apps.get_model("accounts", "Role").objects.filter(code__in=[r[0] for r in ROLES]).delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(add_roles, remove_roles)]
