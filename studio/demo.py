"""The demo studio loaded by ``flask seed-demo``: realistic Chinese names and schools,
deterministic so every newcomer sees the same studio."""
import random
from datetime import date

from sqlalchemy import select
from werkzeug.security import generate_password_hash

from models import MentorGroup, MentorGroupMember, Membership, Studio, User
from studio.extensions import db

DEMO_PASSWORD = "demo12345"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = ("思远 雨桐 子涵 浩然 欣怡 梓萱 俊杰 诗琪 宇航 佳怡 明轩 雅婷 志强 晓燕 建华 丽娟 文博 婉清 "
         "天宇 若曦 家豪 梦瑶 嘉怡 一鸣 书瑶 铭泽 静怡 博文 艺涵 晨曦 海燕 春梅 国庆 秀英 立新 红霞 "
         "永刚 慧敏 德华 淑芬 振宇 晓东 佩玲 雪梅 俊峰 玉兰 宏伟 彩霞 卫东 美玲").split()
SCHOOLS = ["郑州市第一中学", "郑州市第八中学", "郑州外国语学校", "郑州市第四十七中学", "郑州市实验中学",
           "河南省实验中学", "郑州市第二中学", "郑州市第五十七中学", "郑州枫杨外国语学校",
           "郑州市第七十三中学", "郑州市中原区伏牛路学校", "郑州市金水区实验中学", "中牟县第一初级中学",
           "新郑市第三中学", "荥阳市第五中学", "登封市嵩阳中学"]
SCHOOLS_YW = ["洛阳市西工区凯旋路小学", "洛阳市东方第二小学", "洛阳市实验小学", "洛阳市涧西区天津路小学"]


def _names(rng, n):
    seen, names = set(), []
    while len(names) < n:
        name = rng.choice(SURNAMES) + rng.choice(GIVEN)
        if name not in seen:
            seen.add(name)
            names.append(name)
    return names


def _studio(spec, password_hash, rng, schools, prefix, backbones, per_mentor):
    studio = db.session.execute(select(Studio).where(Studio.name == spec["name"])).scalar_one_or_none()
    if studio is not None:
        return studio, False
    studio = Studio(**spec)
    db.session.add(studio)
    names = _names(rng, 1 + backbones + backbones * per_mentor)

    def person(username, name, role):
        user = User(username=username, name=name, password_hash=password_hash, is_demo=True,
                    school=rng.choice(schools), subject=spec["subject"],
                    phone="1" + "".join(rng.choice("3456789") for _ in range(2))
                    + "".join(rng.choice("0123456789") for _ in range(8)))
        db.session.add(user)
        db.session.add(Membership(studio=studio, user=user, role=role))
        return user

    person(f"{prefix}master", names[0], "master")
    number = 0
    for b in range(1, backbones + 1):
        mentor = person(f"{prefix}backbone{b:02d}", names[b], "backbone")
        group = MentorGroup(studio=studio, mentor=mentor)
        db.session.add(group)
        for _ in range(per_mentor):
            number += 1
            mentee = person(f"{prefix}teacher{number:03d}", names[backbones + number], "new_teacher")
            db.session.add(MentorGroupMember(group=group, mentee=mentee, reason="初始分组"))
    return studio, True


def seed_demo():
    """Create the demo studios once; a second run changes nothing. Returns what it did."""
    rng = random.Random(2021)
    password_hash = generate_password_hash(DEMO_PASSWORD, method="scrypt")
    created = []
    if db.session.execute(select(User).where(User.username == "admin")).scalar_one_or_none() is None:
        db.session.add(User(username="admin", name="省项目办管理员", password_hash=password_hash,
                            is_admin=True, is_demo=True, school="河南省教育厅教师教育处"))
        created.append("admin")
    _, made = _studio(dict(name="初中数学名师网络工作室", subject="数学", school_stage="junior",
                           region="河南省郑州市", cycle_start=date(2026, 9, 1),
                           cycle_end=date(2029, 7, 31), status="active"),
                      password_hash, rng, SCHOOLS, "", backbones=10, per_mentor=8)
    if made:
        created.append("初中数学名师网络工作室")
    _, made = _studio(dict(name="小学语文名师网络工作室", subject="语文", school_stage="primary",
                           region="河南省洛阳市", cycle_start=date(2026, 9, 1),
                           cycle_end=date(2029, 7, 31), status="preparing"),
                      password_hash, rng, SCHOOLS_YW, "yw_", backbones=2, per_mentor=3)
    if made:
        created.append("小学语文名师网络工作室")
    db.session.commit()
    return created


DEMO_LOGINS = [
    ("admin", "项目办管理员 / project office"),
    ("master", "名师 / master teacher, 初中数学名师网络工作室"),
    ("backbone01 … backbone10", "骨干教师 / backbone teachers"),
    ("teacher001 … teacher080", "新入职教师 / new teachers"),
    ("yw_master, yw_teacher001", "另一个工作室 / a second, smaller studio"),
]
