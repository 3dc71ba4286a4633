"""Fictional names for the demo: no real enterprise, department or person."""

from __future__ import annotations

import random

from jiandu.analytics.identity.idnumber import check_character

PROVINCE_ZH, PROVINCE_EN = "云泽省", "Yunze Province"

# Fictional trade names (Chinese, pinyin) and sectors (Chinese, English).
TRADE_NAMES = [
    ("华辰", "Huachen"),
    ("远衡", "Yuanheng"),
    ("瀚岳", "Hanyue"),
    ("中垣", "Zhongyuan"),
    ("北溟", "Beiming"),
    ("青岚", "Qinglan"),
    ("泓川", "Hongchuan"),
    ("云峤", "Yunqiao"),
    ("启明", "Qiming"),
    ("嘉禾", "Jiahe"),
    ("昭元", "Zhaoyuan"),
    ("岱衡", "Daiheng"),
    ("汇瀛", "Huiying"),
    ("景曜", "Jingyao"),
    ("铭泰", "Mingtai"),
    ("澄江", "Chengjiang"),
    ("曦和", "Xihe"),
    ("崇安", "Chong'an"),
    ("锦川", "Jinchuan"),
    ("长庚", "Changgeng"),
    ("宁远", "Ningyuan"),
    ("丰原", "Fengyuan"),
    ("翰林", "Hanlin"),
    ("承泽", "Chengze"),
    ("宏略", "Honglue"),
    ("振华", "Zhenhua"),
    ("安澜", "Anlan"),
]
SECTORS = [
    ("能源集团有限公司", "Energy Group Co., Ltd."),
    ("建设投资集团有限公司", "Construction Investment Group Co., Ltd."),
    ("交通控股集团有限公司", "Transport Holding Group Co., Ltd."),
    ("水务集团有限公司", "Water Group Co., Ltd."),
    ("农业发展集团有限公司", "Agricultural Development Group Co., Ltd."),
    ("医药健康集团有限公司", "Pharmaceutical and Health Group Co., Ltd."),
    ("文化旅游集团有限公司", "Culture and Tourism Group Co., Ltd."),
    ("金融控股集团有限公司", "Financial Holding Group Co., Ltd."),
    ("矿业集团有限公司", "Mining Group Co., Ltd."),
]
SUBSIDIARIES = [
    ("工程有限公司", "Engineering Co., Ltd."),
    ("物资贸易有限公司", "Materials Trading Co., Ltd."),
    ("置业有限公司", "Real Estate Co., Ltd."),
    ("科技有限公司", "Technology Co., Ltd."),
]
DEPARTMENTS = [
    ("财政厅", "Department of Finance"),
    ("住房和城乡建设厅", "Department of Housing and Urban-Rural Development"),
    ("交通运输厅", "Department of Transport"),
    ("水利厅", "Department of Water Resources"),
    ("农业农村厅", "Department of Agriculture and Rural Affairs"),
    ("卫生健康委员会", "Health Commission"),
]
INTERNAL = [("办公室", "General Office"), ("纪检监察室", "Discipline Inspection Office")]

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余"
    "于杜叶程魏苏吕丁任卢姚沈钟姜崔谭陆范汪廖石金韦贾夏付方邹熊白孟秦邱侯江尹薛闫段雷"
    "龙黎史陶贺顾毛郝龚邵万钱覃武戴孔汤庞樊兰殷施陈"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红文斌宇浩凯鹏辉健晨旭东海"
    "波宁欣雪梅琳俊峰"
)
REGION_CODES = ["530102", "530103", "530111", "530112", "530302", "530402", "530502", "530602"]


class NameMaker:
    """Deterministic fictional names and checksum-valid fictional ID numbers."""

    def __init__(self, seed: int = 20261123) -> None:
        self.rng = random.Random(seed)  # noqa: S311 - fictional data, not secrets
        self.used_ids: set[str] = set()

    def person(self) -> tuple[str, str, str, tuple[int, int, int]]:
        """(name, gender, id_number, (year, month, day))."""
        surname = self.rng.choice(SURNAMES)
        given = "".join(self.rng.choice(GIVEN) for _ in range(self.rng.choice((1, 2, 2))))
        gender = self.rng.choice("MF")
        while True:
            born = (self.rng.randint(1962, 1988), self.rng.randint(1, 12), self.rng.randint(1, 28))
            seq = self.rng.randint(0, 49) * 20 + (
                self.rng.choice((1, 3, 5, 7, 9))
                if gender == "M"
                else self.rng.choice((0, 2, 4, 6, 8))
            )
            first17 = (
                f"{self.rng.choice(REGION_CODES)}{born[0]:04d}{born[1]:02d}{born[2]:02d}{seq:03d}"
            )
            number = first17 + check_character(first17)
            if number not in self.used_ids:
                self.used_ids.add(number)
                return surname + given, gender, number, born
