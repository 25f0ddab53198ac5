"""Demo regions and offices: 河南省 › 郑州市 (金水区, 二七区, 中原区) and 洛阳市 (西工区, 涧西区);
the maths studio in 金水区, the 语文 studio in 西工区; a city office (zz_office, 郑州市教育局)
and a county office (jinshui_office, 金水区教育局). A second run changes nothing."""
from sqlalchemy import select

from models import Region, Studio, User
from studio.extensions import db

TREE = [("410000", "河南省", "province", None),
        ("410100", "郑州市", "city", "410000"), ("410105", "金水区", "county", "410100"),
        ("410103", "二七区", "county", "410100"), ("410102", "中原区", "county", "410100"),
        ("410300", "洛阳市", "city", "410000"), ("410303", "西工区", "county", "410300"),
        ("410305", "涧西区", "county", "410300"),
        # the cities of the dashboard's smaller demo studios (studio/demo_dashboard.py)
        ("410200", "开封市", "city", "410000"), ("410700", "新乡市", "city", "410000"),
        ("411300", "南阳市", "city", "410000"), ("411000", "许昌市", "city", "410000")]
STUDIOS = {"初中数学名师网络工作室": "410105", "小学语文名师网络工作室": "410303"}
OFFICES = [("zz_office", "郑州市教育局", "410100"), ("jinshui_office", "金水区教育局", "410105")]


def demo_regions():
    """The demo regions by code, made where missing."""
    found = {r.code: r for r in db.session.execute(
        select(Region).where(Region.code.in_([code for code, *_ in TREE]))).scalars()}
    made = False
    for code, name, level, parent in TREE:
        if code not in found:
            region = Region(code=code, name=name, level=level, parent=found.get(parent))
            db.session.add(region)
            db.session.flush()
            region.set_path()
            found[code], made = region, True
    return found, made


def seed_regions(password_hash):
    """Returns whether anything was added."""
    regions, made = demo_regions()
    for studio in db.session.execute(select(Studio).where(Studio.name.in_(STUDIOS))).scalars():
        if studio.region_id is None:
            studio.region_node, made = regions[STUDIOS[studio.name]], True
    for username, name, code in OFFICES:
        if db.session.execute(select(User.id).where(User.username == username)).first() is None:
            db.session.add(User(username=username, name=name, password_hash=password_hash,
                                is_admin=True, is_demo=True, region=regions[code],
                                school=name))
            made = True
    db.session.flush()
    return made
