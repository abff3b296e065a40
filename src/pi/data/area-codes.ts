/**
 * Mainland China long-distance area codes (长途区号), by province.
 *
 * Numbering plan: trunk prefix `0`; `010` Beijing; two-digit codes `02x` for the eight largest
 * cities (020 Guangzhou … 029 Xi'an; 026 is reserved for Taiwan and unused); every other area has a
 * three-digit code after the `0` (`0xxx`), and the first digit of that code roughly follows the
 * region (3 Hebei/Shanxi/Henan, 4 north-east and Inner Mongolia, 5 east, 6 Shandong/Guangdong
 * extras, 7 central and south, 8 south-west, 9 north-west). Several prefecture-level divisions
 * share a code (e.g. 0731 Changsha–Zhuzhou–Xiangtan since 2007, 0898 all of Hainan).
 *
 * Compiled from the public numbering plan (MIIT area-code assignments as published by the
 * carriers and the libphonenumber CN geocoding data). Codes retired by a merger are kept and
 * marked `（旧）`, because old records still carry them: 0565 Chaohu (to 2011), 0634 Laiwu (merged
 * into Jinan), 0732 Xiangtan and 0733 Zhuzhou (to 2007), 0890 Danzhou and 0899 Sanya (before
 * Hainan's single code), 0910 Xianyang (now 029).
 *
 * One line per province: the province name, then `code city` pairs (code without the trunk 0).
 *
 * @module
 */

const TABLE = `
北京 10 北京
上海 21 上海
天津 22 天津
重庆 23 重庆
河北 310 邯郸 311 石家庄 312 保定 313 张家口 314 承德 315 唐山 316 廊坊 317 沧州 318 衡水 319 邢台 335 秦皇岛
山西 349 朔州 350 忻州 351 太原 352 大同 353 阳泉 354 晋中 355 长治 356 晋城 357 临汾 358 吕梁 359 运城
河南 370 商丘 371 郑州 372 安阳 373 新乡 374 许昌 375 平顶山 376 信阳 377 南阳 378 开封 379 洛阳 391 焦作 392 鹤壁 393 濮阳 394 周口 395 漯河 396 驻马店 398 三门峡
辽宁 24 沈阳 410 铁岭 411 大连 412 鞍山 413 抚顺 414 本溪 415 丹东 416 锦州 417 营口 418 阜新 419 辽阳 421 朝阳 427 盘锦 429 葫芦岛
吉林 431 长春 432 吉林 433 延边 434 四平 435 通化 436 白城 437 辽源 438 松原 439 白山
黑龙江 451 哈尔滨 452 齐齐哈尔 453 牡丹江 454 佳木斯 455 绥化 456 黑河 457 大兴安岭 458 伊春 459 大庆 464 七台河 467 鸡西 468 鹤岗 469 双鸭山
内蒙古 470 呼伦贝尔 471 呼和浩特 472 包头 473 乌海 474 乌兰察布 475 通辽 476 赤峰 477 鄂尔多斯 478 巴彦淖尔 479 锡林郭勒 482 兴安 483 阿拉善
江苏 25 南京 510 无锡 511 镇江 512 苏州 513 南通 514 扬州 515 盐城 516 徐州 517 淮安 518 连云港 519 常州 523 泰州 527 宿迁
山东 530 菏泽 531 济南 532 青岛 533 淄博 534 德州 535 烟台 536 潍坊 537 济宁 538 泰安 539 临沂 543 滨州 546 东营 631 威海 632 枣庄 633 日照 634 莱芜（旧） 635 聊城
安徽 550 滁州 551 合肥 552 蚌埠 553 芜湖 554 淮南 555 马鞍山 556 安庆 557 宿州 558 阜阳 559 黄山 561 淮北 562 铜陵 563 宣城 564 六安 565 巢湖（旧） 566 池州
浙江 570 衢州 571 杭州 572 湖州 573 嘉兴 574 宁波 575 绍兴 576 台州 577 温州 578 丽水 579 金华 580 舟山
福建 591 福州 592 厦门 593 宁德 594 莆田 595 泉州 596 漳州 597 龙岩 598 三明 599 南平
广东 20 广州 660 汕尾 662 阳江 663 揭阳 668 茂名 750 江门 751 韶关 752 惠州 753 梅州 754 汕头 755 深圳 756 珠海 757 佛山 758 肇庆 759 湛江 760 中山 762 河源 763 清远 766 云浮 768 潮州 769 东莞
广西 770 防城港 771 南宁 772 柳州 773 桂林 774 梧州 775 玉林 776 百色 777 钦州 778 河池 779 北海
江西 701 鹰潭 790 新余 791 南昌 792 九江 793 上饶 794 抚州 795 宜春 796 吉安 797 赣州 798 景德镇 799 萍乡
湖北 27 武汉 710 襄阳 711 鄂州 712 孝感 713 黄冈 714 黄石 715 咸宁 716 荆州 717 宜昌 718 恩施 719 十堰 722 随州 724 荆门 728 仙桃
湖南 730 岳阳 731 长沙 732 湘潭（旧） 733 株洲（旧） 734 衡阳 735 郴州 736 常德 737 益阳 738 娄底 739 邵阳 743 湘西 744 张家界 745 怀化 746 永州
海南 898 海南 890 儋州（旧） 899 三亚（旧）
四川 28 成都 812 攀枝花 813 自贡 816 绵阳 817 南充 818 达州 825 遂宁 826 广安 827 巴中 830 泸州 831 宜宾 832 内江 833 乐山 834 凉山 835 雅安 836 甘孜 837 阿坝 838 德阳 839 广元
贵州 851 贵阳 852 遵义 853 安顺 854 黔南 855 黔东南 856 铜仁 857 毕节 858 六盘水 859 黔西南
云南 691 西双版纳 692 德宏 870 昭通 871 昆明 872 大理 873 红河 874 曲靖 875 保山 876 文山 877 玉溪 878 楚雄 879 普洱 883 临沧 886 怒江 887 迪庆 888 丽江
西藏 891 拉萨 892 日喀则 893 山南 894 林芝 895 昌都 896 那曲 897 阿里
陕西 29 西安 910 咸阳（旧） 911 延安 912 榆林 913 渭南 914 商洛 915 安康 916 汉中 917 宝鸡 919 铜川
甘肃 930 临夏 931 兰州 932 定西 933 平凉 934 庆阳 935 武威 936 张掖 937 酒泉 938 天水 939 陇南 941 甘南 943 白银
青海 970 海北 971 西宁 972 海东 973 黄南 974 海南州 975 果洛 976 玉树 977 海西 979 格尔木
宁夏 951 银川 952 石嘴山 953 吴忠 954 固原 955 中卫
新疆 901 塔城 902 哈密 903 和田 906 阿勒泰 908 克孜勒苏 909 博尔塔拉 990 克拉玛依 991 乌鲁木齐 992 奎屯 993 石河子 994 昌吉 995 吐鲁番 996 巴音郭楞 997 阿克苏 998 喀什 999 伊犁
`;

/** Where an area code is: province and the city or prefecture named for it. */
export interface AreaCodeInfo {
  readonly province: string;
  readonly city: string;
  /** True for codes retired by a merger that old records still carry. */
  readonly historical: boolean;
}

function parse(table: string): ReadonlyMap<string, AreaCodeInfo> {
  const out = new Map<string, AreaCodeInfo>();
  for (const line of table.trim().split('\n')) {
    const [province, ...rest] = line.trim().split(/\s+/);
    for (let i = 0; i + 1 < rest.length; i += 2) {
      const code = '0' + rest[i]!;
      const name = rest[i + 1]!;
      const historical = name.endsWith('（旧）');
      out.set(code, { province: province!, city: historical ? name.slice(0, -3) : name, historical });
    }
  }
  return out;
}

/** Area code with its trunk `0` (`010`, `0755`) → where it is. */
export const AREA_CODES: ReadonlyMap<string, AreaCodeInfo> = parse(TABLE);
