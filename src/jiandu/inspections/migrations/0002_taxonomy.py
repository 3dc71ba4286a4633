"""The finding categories of DOMAIN.md section 1, as editable data with codes."""

from django.db import migrations

CATEGORIES = [
    # code, parent, Chinese, English
    ("A", None, "推动高质量发展方面", "High-quality development"),
    ("A1", "A", "聚焦主责主业不够", "Focus on the main business"),
    ("A2", "A", "科技创新不足", "Scientific and technological innovation"),
    ("A3", "A", "对所属企业管控不力", "Control over subordinate enterprises"),
    ("A4", "A", "防范化解风险不到位", "Preventing and resolving risks"),
    ("B", None, "全面从严治党方面", "Comprehensive and strict Party governance"),
    ("B1", "B", "主体责任落实不到位", "Responsibility not fulfilled"),
    ("B2", "B", "重点岗位和关键领域廉洁风险", "Integrity risks in key positions and key areas"),
    ("B3", "B", "违反中央八项规定精神和“四风”问题", "Eight-point regulations and the four styles"),
    ("B4", "B", "腐败问题", "Corruption"),
    ("C", None, "领导班子和干部人才队伍建设方面", "Leadership team and cadre/talent team building"),
    ("C1", "C", "领导班子建设不够有力", "Leadership team building"),
    ("C2", "C", "干部人才队伍建设不足", "Cadre and talent team building"),
    ("C3", "C", "基层党组织建设薄弱", "Weak grassroots Party organizations"),
    ("D", None, "巡视、审计等监督发现问题整改方面", "Rectification of earlier findings"),
    (
        "D1",
        "D",
        "巡视整改不到位、问题反弹回潮",
        "Earlier inspection findings not rectified or recurring",
    ),
    (
        "D2",
        "D",
        "审计等监督发现问题整改不到位",
        "Audit and other supervision findings not rectified",
    ),
]


def add(apps, schema_editor):
    Category = apps.get_model("inspections", "FindingCategory")
    made = {}
    for order, (code, parent, zh, en) in enumerate(CATEGORIES):
        made[code], _ = Category.objects.update_or_create(
            code=code,
            defaults={
                "name_zh": zh,
                "name_en": en,
                "parent": made.get(parent),
                "sort_order": order,
            },
        )


def remove(apps, schema_editor):
    Category = apps.get_model("inspections", "FindingCategory")
    Category.objects.filter(parent__isnull=False).delete()
    Category.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("inspections", "0001_initial")]
    operations = [migrations.RunPython(add, remove)]
