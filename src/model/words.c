/* The words the writers add themselves, in four languages (words.h). */
#include "model/words.h"

#include <string.h>
#include <strings.h>

const nb_words *nb_words_for(const char *lang) {
  static const nb_words en = {"en",           "Contents",   "Landmarks",
                              "Cover",        "Title page", "Start",
                              "%zu articles", "Source: ",   "image unavailable",
                              "Untitled"};
  static const nb_words hans = {
      "zh-Hans", "目录",          "导览",   "封面",         "书名页",
      "正文",    "共 %zu 篇文章", "原文：", "图片无法显示", "无标题"};
  static const nb_words hant = {
      "zh-Hant", "目錄",          "導覽",   "封面",         "書名頁",
      "正文",    "共 %zu 篇文章", "原文：", "圖片無法顯示", "無標題"};
  static const nb_words ja = {"ja",
                              "目次",
                              "ランドマーク",
                              "表紙",
                              "扉",
                              "本文",
                              "全 %zu 本の記事",
                              "出典：",
                              "画像を表示できません",
                              "無題"};
  if (!lang)
    return &en;
  if (strncasecmp(lang, "ja", 2) == 0 && (lang[2] == '\0' || lang[2] == '-'))
    return &ja;
  if (strncasecmp(lang, "zh", 2) == 0 && (lang[2] == '\0' || lang[2] == '-')) {
    if (strstr(lang, "Hant") || strstr(lang, "hant") ||
        strcasecmp(lang + 2, "-TW") == 0 || strcasecmp(lang + 2, "-HK") == 0 ||
        strcasecmp(lang + 2, "-MO") == 0)
      return &hant;
    return &hans;
  }
  return &en;
}
