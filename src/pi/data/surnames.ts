/**
 * Reference data for Chinese personal names: surnames with a frequency tier, compound surnames,
 * common given-name characters, and a stop-list of common words that begin with a surname
 * character but are not names.
 *
 * Sources:
 * - Surnames: the classical 《百家姓》 (Song dynasty, public domain): its 444 single and 60
 *   compound surnames in the received order, two variant forms left out (鬱, 卻: 郁 is already
 *   listed, 卻 is a traditional form), plus a few common modern surnames the text lacks (肖, 付,
 *   覃, 兰, 冼 …) and the compound surnames 独孤 and 太史.
 * - Frequency tiers: tier 1 is roughly the 100 most frequent surnames by population as reported
 *   from the Ministry of Public Security household-registration statistics (published yearly as
 *   《全国姓名报告》); tier 2 the next ~200 in everyday use; tier 3 the rest. Tiers are coarse on
 *   purpose: exact ranks shift from year to year (unverified against a primary table).
 * - Given-name characters and the stop-list: compiled for this project from general knowledge of
 *   the language; they are signals, not a lexicon.
 *
 * @module
 */

/** The single-surname part of 《百家姓》, in its traditional order (variants 鬱 and 卻 omitted). */
const BAIJIAXING_SINGLE =
  '赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜戚谢邹喻柏水窦章云苏潘葛' +
  '奚范彭郎鲁韦昌马苗凤花方俞任袁柳酆鲍史唐费廉岑薛雷贺倪汤滕殷罗毕郝邬安常乐于时傅皮卞齐康' +
  '伍余元卜顾孟平黄和穆萧尹姚邵湛汪祁毛禹狄米贝明臧计伏成戴谈宋茅庞熊纪舒屈项祝董梁杜阮蓝闵' +
  '席季麻强贾路娄危江童颜郭梅盛林刁钟徐邱骆高夏蔡田樊胡凌霍虞万支柯昝管卢莫经房裘缪干解应宗' +
  '丁宣贲邓郁单杭洪包诸左石崔吉钮龚程嵇邢滑裴陆荣翁荀羊於惠甄曲家封芮羿储靳汲邴糜松井段富巫' +
  '乌焦巴弓牧隗山谷车侯宓蓬全郗班仰秋仲伊宫宁仇栾暴甘钭厉戎祖武符刘景詹束龙叶幸司韶郜黎蓟薄' +
  '印宿白怀蒲邰从鄂索咸籍赖卓蔺屠蒙池乔阴胥能苍双闻莘党翟谭贡劳逄姬申扶堵冉宰郦雍璩桑桂濮牛' +
  '寿通边扈燕冀郏浦尚农温别庄晏柴瞿阎充慕连茹习宦艾鱼容向古易慎戈廖庾终暨居衡步都耿满弘匡国' +
  '文寇广禄阙东欧殳沃利蔚越夔隆师巩厍聂晁勾敖融冷訾辛阚那简饶空曾毋沙乜养鞠须丰巢关蒯相查后' +
  '荆红游竺权逯盖益桓公' +
  // the single surnames of the closing lines (晋楚闫法 … 第五言福)
  '晋楚闫法汝鄢涂钦岳帅缑亢况郈有琴佘佴墨哈谯笪年爱阳佟言福';

/** Common modern surnames missing from 《百家姓》. */
const MODERN_SINGLE = '肖付覃兰揭练粟麦冼檀敬代母银邝庹占牟门尉邸苟芦隋';

/**
 * Tier 1: roughly the 100 most frequent surnames by population (see the module note), most
 * frequent first.
 */
const TIER1 =
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩邓冯曹彭曾肖田董潘袁蔡蒋余于杜叶程' +
  '魏苏吕丁任卢姚沈钟姜崔谭陆范汪廖石金韦贾夏付方邹熊白孟秦邱侯江尹薛闫段雷龙黎史陶贺毛郝顾' +
  '龚邵万覃武钱戴严莫孔向常汤';

/** Tier 2: common surnames below the top 100 (unordered). */
const TIER2 =
  '欧易康牛乔赖文施洪温季葛樊安庞齐颜倪殷柳辛管甘邢柴包祝左詹聂耿关申伍涂岳焦祁纪鲁兰尚翟饶' +
  '宁靳华房阮盛童屈路单车凌霍穆梅谷游苗舒吉卜滕解柯蓝蒲艾裴骆俞全宗卓戚晏成尤冉米商廉池邬裘' +
  '褚应鲍郎鞠景项缪巫阎符蒙司瞿粟揭练麦冼佘敖党代母明湛丛宫凤边幸郁隋雍卞储沙仲费谈桂喻钮栾' +
  '芦苟邝巩冷宿薄芮姬晋扈苑燕连时平和花尉占牟闵习席娄危刁虞荣翁荀惠甄曲封井巴班仇厉戎祖束怀' +
  '鄂索蔺屠胥闻贡劳扶庄茹容戈衡匡寇隆晁勾阚简查荆权盖楚钦帅佟言邸傅萧强章岑毕';

/** Compound surnames of 《百家姓》 (with 独孤 and 太史 added). */
const COMPOUND_LIST =
  '万俟 司马 上官 欧阳 夏侯 诸葛 闻人 东方 赫连 皇甫 尉迟 公羊 澹台 公冶 宗政 濮阳 淳于 单于 ' +
  '太叔 申屠 公孙 仲孙 轩辕 令狐 钟离 宇文 长孙 慕容 鲜于 闾丘 司徒 司空 亓官 司寇 子车 颛孙 ' +
  '端木 巫马 公西 漆雕 乐正 壤驷 公良 拓跋 夹谷 宰父 谷梁 段干 百里 东郭 南门 呼延 归海 羊舌 ' +
  '微生 梁丘 左丘 东门 西门 商牟 伯赏 南宫 第五 独孤 太史';

/** The compound surnames still met in practice; the others get tier 3. */
const COMPOUND_COMMON =
  '欧阳 司马 上官 诸葛 东方 皇甫 司徒 令狐 慕容 夏侯 公孙 尉迟 宇文 长孙 南宫 端木 西门 独孤';

/** Frequency tier of a surname: 1 most common … 3 rare. */
export type SurnameTier = 1 | 2 | 3;

function buildSingles(): Map<string, SurnameTier> {
  const m = new Map<string, SurnameTier>();
  for (const c of BAIJIAXING_SINGLE + MODERN_SINGLE) m.set(c, 3);
  for (const c of TIER2) m.set(c, 2);
  for (const c of TIER1) m.set(c, 1);
  return m;
}

function buildCompounds(): Map<string, SurnameTier> {
  const m = new Map<string, SurnameTier>();
  for (const s of COMPOUND_LIST.split(' ')) if (s) m.set(s, 3);
  for (const s of COMPOUND_COMMON.split(' ')) m.set(s, 1);
  return m;
}

/** Single-character surnames and their frequency tier (about 500). */
export const SINGLE_SURNAMES: ReadonlyMap<string, SurnameTier> = buildSingles();

/** Compound (two-character) surnames and their tier (1 = still common, e.g. 欧阳; 3 = rare). */
export const COMPOUND_SURNAMES: ReadonlyMap<string, SurnameTier> = buildCompounds();

/** Tier-1 single surnames, most frequent first (for generators that weight by frequency). */
export const TIER1_SURNAMES: readonly string[] = Array.from(TIER1);

/** Tier-2 single surnames. */
export const TIER2_SURNAMES: readonly string[] = [...new Set(TIER2)].filter(
  (c) => SINGLE_SURNAMES.get(c) === 2,
);

/** Tier-3 single surnames. */
export const TIER3_SURNAMES: readonly string[] = [...SINGLE_SURNAMES]
  .filter(([, t]) => t === 3)
  .map(([c]) => c);

/**
 * About 400 characters common in given names (伟 芳 娜 秀 英 …). Their presence raises the
 * evidence that a surname-led string is a name.
 */
const GIVEN =
  '伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂兰玲红华建国文辉鹏飞斌宇浩凯健俊帆帅旭宁龙林' +
  '峰波鑫晨阳欣怡婷雪琳晶颖倩佳慧梅萍燕莉丹琴云凤洁蓉玉珍薇悦彤菲雅琪萱瑶涵璐露蕾岚淑惠琼翠婉' +
  '婧嘉思梦雨晓小春秋冬志永海江山松柏森荣福贵宝金银德仁义礼信忠孝安康乐喜庆祥瑞吉利顺昌盛兴旺' +
  '发达成功胜鸿博睿哲轩然泽宸逸昊天子梓若诗语嫣可馨妍瑾瑜琦璇瑛玥珊珠霖雯霜青清晴新心一依伊亦' +
  '奕艺毅益君骏峻钧坤昆锦景敬靖菁亮光辰星晖晗昕曦朝东南西中正方立诚真善美爱和宏泓洪源润淼沛瀚' +
  '翰墨书琛璋琰珏珂琨璟瑄瑗芸芬芝芷苗茜茹荷莲莹菊萌蓓蕊蔚兵武威雄豪彬树桐楠栋梁材才智聪捷锋钢' +
  '铁铭锐岩岭川河湖泉溪澜航舟远鹤莺鸣韵歌舞章采彩娇媛婕娅婵妮姗姝娴贝佩环珑虹朗煌耀晔煜炜烨焕' +
  '熙欢笑优良贤廉勤俭恭家邦民振富禄寿财广进长久恒大宽厚深勋业绩壮猛扬翔腾跃驰奇亨贞泰凡丰桦' +
  '枫楷柯樱橙葳蒙芃莎萧湘潇漫滢澄沐沁沫泊浚涌溢淳渊湛潭灏炎烁焱燊珺琬瑷璞璨嫚婧媚娥媛秋巧玮' +
  '莉楚卓越超群学军民红卫东海涛宁志刚丽萍桂英玉兰秀珍凤霞翠红桂芝建平建华建军国强国华国庆永' +
  '刚永强志强志明晓明晓东晓燕子豪子轩梓涵欣怡雨萱浩然宇航一鸣嘉怡佳怡思琪诗涵若曦俊杰泽宇' +
  '昱琳晟旻昀暄曜皓翊翌羽鑫钰铄锟镇铮锦程坚毅恩惠慈念怀悠恺惟慕忆';

/** Characters common in given names (about 400). */
export const GIVEN_NAME_CHARS: ReadonlySet<string> = new Set(Array.from(GIVEN));

/**
 * Common words (and place names) that begin with a surname character but are not names: 王国,
 * 高速, 方法 … A two-character candidate equal to one of them is rejected; a longer candidate
 * beginning with one loses evidence.
 */
const STOP =
  // 王 李 张 刘 陈 杨 黄
  '王国 王朝 王子 王者 王牌 王府 王妃 王后 王宫 王位 王道 王冠 王爷 王八 李子 张开 张贴 张望 张扬 ' +
  '张力 张狂 张口 张嘴 张罗 张灯 张家 刘海 陈述 陈列 陈旧 陈设 陈年 陈醋 陈皮 杨树 杨柳 杨梅 ' +
  '黄色 黄金 黄昏 黄瓜 黄豆 黄油 黄河 黄牛 黄页 黄沙 黄土 黄花 黄酒 黄历 黄山 黄埔 ' +
  // 周 孙 马 朱 胡 何 林 高
  '周末 周围 周年 周期 周边 周到 周转 周岁 周一 周二 周三 周四 周五 周六 周日 周全 周密 周报 ' +
  '周刊 周长 周游 周身 孙子 孙女 马上 马路 马车 马达 马虎 马桶 马克 马甲 马术 马匹 马力 马戏 ' +
  '朱红 胡说 胡同 胡子 胡乱 胡椒 胡闹 胡须 胡来 胡话 何时 何必 何况 何处 何等 何在 何人 何以 ' +
  '何种 何谓 何苦 何妨 林业 林木 林地 林场 林区 林荫 高速 高兴 高级 高度 高中 高考 高校 高价 ' +
  '高温 高手 高层 高楼 高新 高铁 高档 高效 高端 高清 高峰 高原 高山 高压 高空 高明 高尚 高潮 ' +
  '高贵 高大 高低 高于 高达 高额 高分 高等 高管 高傲 高超 ' +
  // 罗 郑 梁 谢 宋 唐 许 韩 曾 肖 田 董
  '罗列 罗盘 郑重 梁柱 谢谢 谢绝 谢意 谢幕 宋朝 宋代 宋体 唐朝 唐代 唐诗 唐突 许多 许可 许久 ' +
  '许诺 许愿 韩国 韩语 韩元 韩剧 曾经 肖像 田地 田野 田园 田间 田径 董事 ' +
  // 余 于 杜 叶 程 苏 丁 任 钟 陆 范 石 金
  '余额 余下 余地 余数 余生 余热 余款 余量 于是 于今 于此 杜绝 杜撰 叶子 叶片 程序 程度 程式 ' +
  '苏醒 苏打 丁香 丁点 任何 任务 任意 任性 任职 任期 任命 任由 任凭 任教 任选 钟表 钟头 钟点 ' +
  '钟声 钟爱 钟情 姜汤 陆地 陆续 陆军 陆路 范围 范例 范畴 范文 范本 汪洋 石头 石油 石材 石化 ' +
  '石板 石灰 石块 金额 金融 金属 金色 金钱 金牌 金卡 金条 金子 金鱼 金奖 金价 ' +
  // 夏 付 方 熊 白 秦 江 段 雷 龙 黎 史 陶 贺 毛 顾 万 武 钱 戴 严 莫 孔 向 常 汤
  '夏天 夏季 夏日 付款 付费 付出 付清 付账 付钱 方面 方法 方式 方便 方向 方案 方针 方言 方位 ' +
  '方形 方块 方圆 方程 方才 方能 熊猫 熊市 白天 白色 白菜 白酒 白云 白领 白银 白糖 白板 白纸 ' +
  '白费 白白 白宫 白日 秦朝 江湖 江河 江南 江山 江边 江水 段落 段位 雷达 雷同 雷电 雷雨 雷声 ' +
  '龙头 龙虾 龙舟 龙眼 黎明 史上 史诗 史料 史学 陶瓷 陶器 陶醉 贺卡 贺词 贺电 贺礼 毛巾 毛病 ' +
  '毛衣 毛利 毛发 毛笔 毛孔 顾客 顾问 顾虑 顾及 顾全 万一 万元 万能 万分 万物 万岁 万里 万事 ' +
  '万千 万人 万众 武器 武术 武装 武警 武力 武功 武侠 钱包 钱财 钱款 戴上 戴着 严格 严重 严肃 ' +
  '严厉 严禁 严谨 严密 严峻 严寒 莫非 莫名 孔子 孔雀 孔洞 向上 向下 向前 向后 向来 向往 向导 ' +
  '向着 常规 常见 常用 常识 常年 常常 常务 常住 常态 常委 常量 常温 汤圆 汤匙 ' +
  // tier 2
  '欧洲 欧元 欧美 欧式 易于 易懂 易用 易燃 易碎 康复 牛奶 牛肉 牛市 牛仔 牛排 乔装 乔迁 赖账 ' +
  '赖皮 文件 文化 文字 文章 文明 文学 文本 文档 文具 文艺 文物 文凭 施工 施行 施加 施肥 施展 ' +
  '洪水 洪灾 洪亮 温度 温暖 温柔 温馨 温和 温泉 温差 温习 季度 季节 安全 安装 安排 安静 安心 ' +
  '安慰 安置 安定 安检 安保 安卓 安宁 安稳 庞大 齐全 齐心 颜色 颜值 颜料 柳树 辛苦 辛勤 辛辣 ' +
  '管理 管道 管控 管用 管制 管辖 管家 管子 甘心 甘愿 甘甜 甘蔗 柴油 包括 包装 包含 包裹 包容 ' +
  '包子 包邮 包间 祝福 祝贺 祝愿 左边 左右 左手 左侧 耿直 关于 关系 关注 关心 关键 关闭 关联 ' +
  '关机 关门 关口 关怀 关爱 关税 申请 申报 申诉 申明 涂料 涂抹 涂改 岳父 岳母 焦点 焦虑 焦急 ' +
  '纪律 纪念 纪录 纪要 鲁莽 兰花 尚未 尚且 宁可 宁愿 宁静 华人 华丽 华侨 华为 华语 华北 华南 ' +
  '华东 华夏 房子 房间 房屋 房租 房价 房产 房东 房贷 房卡 阮囊 盛大 盛行 盛开 童年 童话 童装 ' +
  '屈服 路上 路线 路口 路由 路过 路费 路灯 路边 路段 路径 路况 路人 路程 单位 单独 单价 单据 ' +
  '单元 单纯 单身 单号 单一 单击 单车 车辆 车主 车位 车票 车站 车牌 车库 车险 车间 车费 车子 ' +
  '凌晨 凌乱 梅花 谷歌 谷物 游戏 游客 游泳 游玩 游览 苗条 苗头 舒服 舒适 舒心 吉利 吉祥 吉他 ' +
  '解决 解释 解放 解除 解析 解答 解码 解锁 解读 蓝色 蓝天 蓝牙 骆驼 全部 全国 全面 全体 全新 ' +
  '全年 全天 全程 全球 全家 全额 全套 全市 全省 全民 宗教 宗旨 卓越 成功 成本 成为 成绩 成立 ' +
  '成员 成果 成熟 成交 成人 成长 成品 成就 成年 成分 尤其 尤为 米饭 米粉 商品 商业 商场 商家 ' +
  '商户 商务 商量 商标 商城 商店 商铺 商人 廉价 池塘 应该 应用 应当 应付 应对 应急 应聘 应收 ' +
  '鲍鱼 鞠躬 景点 景区 景色 景观 景象 项目 项链 符合 符号 蒙古 司机 司法 司令 揭露 揭开 揭示 ' +
  '练习 麦克 党员 党委 代码 代表 代理 代替 代价 代办 代言 代购 代收 母亲 母婴 母校 母语 明天 ' +
  '明白 明年 明显 明确 明细 明星 明日 明亮 明知 明晚 明早 宫殿 官方 官网 官员 凤凰 边境 边缘 ' +
  '边上 边界 边框 幸福 幸运 幸好 幸亏 郁闷 沙发 沙滩 沙漠 沙子 沙拉 仲裁 费用 费率 谈判 谈话 ' +
  '谈论 时间 时候 时代 时刻 时期 时尚 时长 时效 时常 时光 时段 平台 平安 平时 平均 平等 平常 ' +
  '平衡 平方 平板 平稳 平面 平价 平原 平静 和平 和谐 和解 和睦 和气 燕窝 连接 连续 连锁 连忙 ' +
  '连同 花费 花钱 花园 花朵 花生 花样 花卉 花店 荣誉 荣幸 惠民 曲线 封面 封闭 封锁 井水 ' +
  '巴士 巴黎 班级 班长 班车 班次 仇恨 厉害 祖国 祖先 束缚 怀疑 怀孕 怀念 索引 索取 屠宰 庄园 ' +
  '庄严 容易 容量 容器 衡量 简单 简历 简直 简介 简称 权利 权限 权益 权力 盖章 帅哥 帅气 ' +
  // tier 3 and compound-led words
  '国家 国际 国内 国外 国庆 国产 国有 国籍 东西 东北 东南 东部 东边 红色 红包 红利 红酒 红茶 ' +
  '有限 有关 有的 有效 有点 能力 能够 能源 都市 都是 通过 通知 通讯 通用 通信 通道 通常 相关 ' +
  '相同 相信 相互 相当 相比 相应 相机 公司 公众 公开 公共 公安 公告 公布 公园 公路 公斤 公里 ' +
  '公民 公务 公式 公寓 查询 查看 查找 计划 计算 元旦 元素 麻烦 强大 强调 强烈 强制 危险 危机 ' +
  '支付 支持 支出 经理 经过 经济 经验 经常 经营 干部 干净 宣传 宣布 诸位 诸多 家庭 家里 家人 ' +
  '家长 家具 家电 家乡 家属 储存 储蓄 松开 富裕 山区 山上 从来 从而 从此 从事 从前 从小 双方 ' +
  '劳动 扶贫 农业 农村 农民 别人 别的 充值 充电 充分 充满 习惯 容纳 古代 终于 终端 居住 居民 ' +
  '居然 步骤 满意 满足 广告 广场 广泛 广大 广播 利用 利润 利息 利率 利益 越来 师傅 师父 冷静 ' +
  '那么 那些 那个 那里 那样 空间 空调 空气 空白 养老 丰富 后来 后面 后天 法律 法院 法人 海关 ' +
  '海外 微信 年龄 年级 年底 年度 爱好 爱心 阳光 阳台 言论 福利 印象 宿舍 ' +
  '东方红 东方明珠 百里挑一 司空见惯 长孙女 第五章 第五届 第五名 第五次 第五天 第五条 ' +
  '第五期 第五年 第五位 第五批 第五集 第五代 第五项 第五轮 第五季 第五部 第五组 西门口 东门口 ' +
  '南门口 东门外 公孙树 ' +
  // brief examples not yet listed, titles and pronoun-like words
  '金币 程序员 曾几何时 林区 江河 田地 于心 成都 沈阳 吉林 常州 桂林 杭州 宿迁 荆州 湛江 韶关 ' +
  '惠州 海南 江西 江苏 山东 山西 河南 湖南 湖北 广东 广西 云南 贵州 四川 宁夏 新疆 西藏 安徽 ' +
  '福建 甘肃 青海 台湾 香港 澳门 北京 上海 天津 重庆 黑龙江 内蒙古 ' +
  // form labels read as a speaker before a colon (籍贯：河南郑州)
  '籍贯 支行 支队 邮编 邮箱 邮件 邮政 职务 职业 职称 学历 学号 婚姻 户主 户号 房号 楼号 车型 ' +
  '车架号 党派 工号 工种 级别 岗位 余额 金额 钟点 ' +
  // payment services after 付款人 / 收款人
  '支付宝 财付通 云闪付 银联 京东 美团 ' +
  // accounts and roles after user= / owner= in logs
  '管理员 超级管理员 系统管理员 管理者 游客 访客 匿名 测试 测试员 操作员 审核员 业务员 营业员 收银员 ' +
  '客服 主管 门卫 保安 司机 师傅';

/** Words that start with a surname character but are not names (a few hundred). */
export const NON_NAME_WORDS: ReadonlySet<string> = new Set(STOP.split(' ').filter((w) => w.length > 0));

/**
 * Characters that essentially never appear in a given name: particles, pronouns, measure words,
 * kinship and job titles, address and contact words. A candidate containing one in its given name
 * is rejected.
 */
const NON_GIVEN =
  '的了么们吗呢吧啊呀着过是在与及或但而就都也还又不没很太更最已将被把对给让从往到去说讲问请叫' +
  '住这那哪谁什怎个些每各该其此您你我他她它咱某号码电话机手址路街区市省县乡村室楼块钱日' +
  '年时分秒岁先女士姐哥弟妹爸妈爷奶叔姨舅总经师傅医男性别龄等吃喝看做用买卖想要会能得地人口名' +
  '届次期条批集项轮部组司局厅处科院校所店厂站老同阿护教主夫';

/** Characters that never appear in a given name (used to reject candidates such as 张开了 or 王先生). */
export const NON_GIVEN_CHARS: ReadonlySet<string> = new Set(Array.from(NON_GIVEN));
