"""Fictional names and words of the synthetic world (the places are real, nobody is)."""

from __future__ import annotations

# Surnames with the reading used for them as surnames (曾 zeng, 单 shan, 解 xie).
SURNAMES: tuple[tuple[str, str], ...] = (
    ("王", "wang"), ("李", "li"), ("张", "zhang"), ("刘", "liu"), ("陈", "chen"),
    ("杨", "yang"), ("黄", "huang"), ("赵", "zhao"), ("周", "zhou"), ("吴", "wu"),
    ("徐", "xu"), ("孙", "sun"), ("马", "ma"), ("胡", "hu"), ("朱", "zhu"),
    ("郭", "guo"), ("何", "he"), ("罗", "luo"), ("高", "gao"), ("林", "lin"),
    ("郑", "zheng"), ("梁", "liang"), ("谢", "xie"), ("唐", "tang"), ("许", "xu"),
    ("冯", "feng"), ("宋", "song"), ("韩", "han"), ("邓", "deng"), ("彭", "peng"),
    ("曾", "zeng"), ("肖", "xiao"), ("田", "tian"), ("董", "dong"), ("潘", "pan"),
    ("袁", "yuan"), ("蔡", "cai"), ("蒋", "jiang"), ("余", "yu"), ("杜", "du"),
    ("叶", "ye"), ("程", "cheng"), ("魏", "wei"), ("苏", "su"), ("丁", "ding"),
    ("任", "ren"), ("卢", "lu"), ("姚", "yao"), ("沈", "shen"), ("钟", "zhong"),
    ("姜", "jiang"), ("崔", "cui"), ("谭", "tan"), ("陆", "lu"), ("范", "fan"),
    ("廖", "liao"), ("石", "shi"), ("金", "jin"), ("贾", "jia"), ("夏", "xia"),
    ("方", "fang"), ("邹", "zou"), ("熊", "xiong"), ("白", "bai"), ("孟", "meng"),
    ("秦", "qin"), ("邱", "qiu"), ("侯", "hou"), ("江", "jiang"), ("尹", "yin"),
    ("薛", "xue"), ("段", "duan"), ("雷", "lei"), ("龙", "long"), ("黎", "li"),
    ("陶", "tao"), ("贺", "he"), ("毛", "mao"), ("顾", "gu"), ("龚", "gong"),
    ("邵", "shao"), ("万", "wan"), ("武", "wu"), ("钱", "qian"), ("戴", "dai"),
    ("严", "yan"), ("莫", "mo"), ("孔", "kong"), ("向", "xiang"), ("单", "shan"),
    ("解", "xie"),
)  # fmt: skip

# Given-name characters with one reading each (no heteronyms), many with a traditional form.
GIVEN_CHARS: tuple[tuple[str, str], ...] = (
    ("伟", "wei"), ("芳", "fang"), ("娜", "na"), ("敏", "min"), ("静", "jing"),
    ("丽", "li"), ("强", "qiang"), ("磊", "lei"), ("军", "jun"), ("洋", "yang"),
    ("勇", "yong"), ("艳", "yan"), ("杰", "jie"), ("娟", "juan"), ("涛", "tao"),
    ("明", "ming"), ("超", "chao"), ("秀", "xiu"), ("霞", "xia"), ("平", "ping"),
    ("刚", "gang"), ("桂", "gui"), ("英", "ying"), ("华", "hua"), ("玉", "yu"),
    ("兰", "lan"), ("萍", "ping"), ("红", "hong"), ("建", "jian"), ("国", "guo"),
    ("志", "zhi"), ("文", "wen"), ("辉", "hui"), ("斌", "bin"), ("鹏", "peng"),
    ("宇", "yu"), ("浩", "hao"), ("凯", "kai"), ("晨", "chen"), ("欣", "xin"),
    ("雪", "xue"), ("琳", "lin"), ("婷", "ting"), ("慧", "hui"), ("颖", "ying"),
    ("波", "bo"), ("峰", "feng"), ("亮", "liang"), ("龙", "long"), ("海", "hai"),
    ("东", "dong"), ("春", "chun"), ("梅", "mei"), ("云", "yun"), ("飞", "fei"),
    ("鑫", "xin"), ("阳", "yang"), ("俊", "jun"), ("荣", "rong"), ("成", "cheng"),
    ("清", "qing"), ("新", "xin"), ("宏", "hong"), ("凤", "feng"), ("燕", "yan"),
    ("琴", "qin"), ("丹", "dan"), ("佳", "jia"), ("嘉", "jia"), ("晓", "xiao"),
    ("湘", "xiang"), ("卫", "wei"), ("永", "yong"), ("庆", "qing"), ("锋", "feng"),
)  # fmt: skip

# One-character typos of the kind a data-entry clerk makes (same sound or similar shape).
TYPOS: dict[str, str] = {
    "伟": "玮", "明": "鸣", "华": "桦", "军": "君", "芳": "方", "丽": "莉", "静": "晶",
    "强": "蔷", "勇": "永", "杰": "洁", "涛": "滔", "平": "萍", "刚": "钢", "英": "瑛",
    "红": "虹", "国": "帼", "志": "智", "文": "雯", "辉": "晖", "斌": "彬", "鹏": "朋",
    "宇": "雨", "浩": "皓", "凯": "恺", "晨": "辰", "欣": "新", "雪": "雲", "琳": "林",
    "婷": "亭", "慧": "惠", "颖": "莹", "波": "博", "峰": "锋", "亮": "靓", "海": "凯",
}  # fmt: skip

DEPARTMENTS: tuple[str, ...] = (
    "民政局", "人力资源和社会保障局", "农业农村局", "自然资源局", "财政局",
    "教育局", "交通运输局", "卫生健康局", "住房和城乡建设局", "水利局",
)  # fmt: skip

CENTRES: tuple[str, ...] = (
    "公共资源交易服务中心", "城市管理综合服务中心", "农村公路建设事务中心", "政务服务中心",
    "园林绿化事务中心", "水利工程管理站", "疾病预防控制中心", "机关事务服务中心",
    "国土空间规划研究中心", "教育装备服务中心", "应急物资保障中心", "数据资源服务中心",
)  # fmt: skip

BRAND_CHARS = "恒鑫盛泰华瑞宏达永信安康远景博润德隆兴旺嘉禾天成中汇金正明源丰通广聚"
INDUSTRIES: tuple[tuple[str, str], ...] = (
    ("建筑工程", "works"), ("市政工程", "works"), ("路桥建设", "works"),
    ("信息技术", "services"), ("环保科技", "services"), ("物业管理", "services"),
    ("医疗器械", "goods"), ("办公设备", "goods"), ("商贸", "goods"),
    ("教育装备", "goods"), ("园林绿化", "works"), ("工程咨询", "services"),
)  # fmt: skip
VILLAGE_CHARS = "青山水田桥湾塘坪冲岭溪湖石竹枫梅桃李松柏龙凤新和平安兴福寿"
ROADS: tuple[str, ...] = (
    "人民路", "解放路", "建设路", "五一大道", "芙蓉路", "湘江路", "新华路", "中山路",
    "劳动路", "韶山路", "迎宾路", "滨江路", "团结路", "和平路", "光明路", "东风路",
)  # fmt: skip
RESTAURANT_WORDS: tuple[str, ...] = (
    "湘味", "农家", "土菜", "渔港", "酒楼", "食府", "大酒店", "宾馆", "饭庄", "小厨",
)  # fmt: skip

# Ordinary invoice lines by category; none names liquor, tobacco, cards or shopping.
ITEMS: dict[str, tuple[str, ...]] = {
    "catering": ("工作餐", "会议用餐", "公务接待用餐", "培训就餐"),
    "accommodation": ("会议住宿", "差旅住宿", "培训住宿"),
    "office": ("打印纸", "办公用品", "硒鼓墨盒", "文件柜", "电脑耗材"),
    "travel": ("高铁票", "机票", "市内交通费"),
    "fuel": ("92号汽油", "95号汽油", "0号柴油"),
    "other": ("资料印刷费", "快递费", "会议场地租赁"),
}
# What a luxury-gift line says (planted only; every one names liquor, tobacco or a card).
LUXURY_ITEMS: tuple[str, ...] = (
    "飞天茅台酒 2瓶",
    "五粮液 6瓶",
    "中华香烟 10条",
    "超市购物卡",
    "商场礼品卡",
    "茅台 1箱",
)
# Words the checker treats as luxury, beside the lines above.
LUXURY_WORDS: tuple[str, ...] = ("茅台", "五粮液", "香烟", "中华烟", "购物卡", "礼品卡", "卡券")
# CPV divisions (the first two digits of a code), with what the award supplies.
CPV_DIVISIONS: tuple[tuple[str, str], ...] = (
    ("03000000", "农产品"),
    ("09000000", "成品油"),
    ("15000000", "食品饮料"),
    ("18000000", "服装鞋帽"),
    ("22000000", "印刷品"),
    ("30000000", "办公设备"),
    ("31000000", "电气设备"),
    ("32000000", "通信设备"),
    ("33000000", "医疗器械"),
    ("34000000", "车辆"),
    ("35000000", "安防设备"),
    ("37000000", "体育器材"),
    ("38000000", "实验仪器"),
    ("39000000", "家具"),
    ("42000000", "通用机械"),
    ("44000000", "建筑材料"),
    ("45000000", "建筑工程"),
    ("48000000", "软件"),
    ("50000000", "维修服务"),
    ("55000000", "餐饮住宿服务"),
    ("60000000", "运输服务"),
    ("71000000", "工程设计服务"),
    ("72000000", "信息技术服务"),
    ("79000000", "商务服务"),
    ("80000000", "培训服务"),
    ("85000000", "医疗卫生服务"),
    ("90000000", "环卫服务"),
    ("98000000", "其他服务"),
)
