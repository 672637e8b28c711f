"""The words of intake (DOMAIN §6): the channels a feed (an ``integration_client``) may relay, and
the fixed numbers of a batch."""

from governance_api.core.vocab import Labelled


class FeedChannel(Labelled):
    """The channels of ``disputes.vocab.Channel`` that are city platforms relayed by a machine client
    (DOMAIN §6); the others (微网格巡查, 小程序, 来访) are entered by people, never by a feed."""

    yiwangtongguan = "yiwangtongguan", "一网统管"
    police_110 = "police_110", "110非警务警情"
    lianqin = "lianqin", "联勤联动微平台"
    judicial_platform = "judicial_platform", "司法行政信息化平台"
    hotline_12348 = "hotline_12348", "12348法律服务热线"


MAX_BATCH = 500  # work orders per POST (DOMAIN §6)
MAX_ATTACHMENTS = 20
MAX_MAP_ENTRIES = 1000  # rows of one source's category table
UNMAPPED_CATEGORY = "other"  # a builtin category (migration 0003): where an unmapped source code lands
