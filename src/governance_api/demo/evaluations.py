"""The demo street's year-end 总结评估 (seed 000 §七): one evaluation of this year per community,
together in every state of the machine — 金色雅筑 graded 优秀 and published (with a funding uplift
and a district 民主法治示范社区 nomination), 东明苑 graded 良好, 永泰花苑 submitted, 凌兆新村 sent back
for more and assessing itself again, 华夏一村 not yet submitted. Seeded after the decisions and
disputes, so each snapshot holds the demo year's real figures."""

from governance_api.core.validators import today_in_shanghai
from governance_api.demo.driver import Api
from governance_api.demo.world import DemoWorld, community_code, local
from governance_api.roles import Role

JUDICIAL = f"demo_{Role.judicial_officer.value}"  # the street's 司法所 grades every community

SELF_ASSESSMENTS = {
    "jinse": ("依法治理工作小组按月召开例会, 加装电梯等重大决策全部经法制审核; 矛盾纠纷就地化解率高。", 95),
    "dongming": ("例会和民情分析会按计划召开, 法律顾问每周坐班; 楼道堆物整治仍有反复。", 86),
    "yongtai": ("完成年度依法治理工作计划, 调解组织健全; 法治宣传覆盖面有待提高。", 80),
    "lingzhao": ("重点推进加装电梯, 决策流程规范。", 78),
}


def _open(api: Api, world: DemoWorld, key: str) -> str:
    body = {"community_id": world.unit(community_code(key)), "year": today_in_shanghai().year}
    return str(api.post(local(Role.community_secretary, key), "/evaluations", body)["id"])


def _submit(api: Api, key: str, evaluation_id: str) -> None:
    text, score = SELF_ASSESSMENTS[key]
    body = {"self_assessment": text, "self_score": score}
    api.act(local(Role.community_secretary, key), "evaluations", evaluation_id, "submit", body)


def year_end_evaluations(api: Api, world: DemoWorld) -> None:
    jinse = _open(api, world, "jinse")
    _submit(api, "jinse", jinse)
    graded = {
        "score": 94,
        "grade": "excellent",
        "comments": "工作小组运转规范, 重大决策法制审核全覆盖, 矛盾纠纷化解成效明显。",
        "funding_uplift": True,
        "demonstration_nomination": "district",
    }
    api.act(JUDICIAL, "evaluations", jinse, "evaluate", graded)

    dongming = _open(api, world, "dongming")
    _submit(api, "dongming", dongming)
    good = {"score": 85, "grade": "good", "comments": "例会制度落实, 楼道堆物整治需巩固。", "funding_uplift": False}
    api.act(JUDICIAL, "evaluations", dongming, "evaluate", good)
    commended = {"commendations": ["金色雅筑居民区: 依法治理工作优秀, 推荐区级民主法治示范社区"], "criticisms": []}
    api.act(JUDICIAL, "evaluations", jinse, "publish", commended)

    _submit(api, "yongtai", _open(api, world, "yongtai"))

    lingzhao = _open(api, world, "lingzhao")
    _submit(api, "lingzhao", lingzhao)
    api.act(JUDICIAL, "evaluations", lingzhao, "return", {"reason": "自评过简, 请补充矛盾纠纷化解和法治宣传情况"})

    _open(api, world, "huaxia")


CASES = (year_end_evaluations,)
