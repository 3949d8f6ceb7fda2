"""Fill known 简体中文 translations into assistant_zh_CN.ts (run after pyside6-lupdate).

`python resources/i18n/translate_zh_CN.py && pyside6-lrelease resources/i18n/assistant_zh_CN.ts
-qm assistant/resources/i18n/assistant_zh_CN.qm`. Strings not listed stay unfinished (English).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

ZH_CN = {
    "Generate": "生成",
    "Regenerate": "重新生成",
    "Stop": "停止",
    "Generate (Ctrl+Enter)": "生成 (Ctrl+Enter)",
    "Stop (Esc)": "停止 (Esc)",
    "Copy answer": "复制回答",
    "Insert at cursor": "插入到光标处",
    "Save answer as…": "回答另存为…",
    "Save answer as": "回答另存为",
    "Providers…": "服务提供方…",
    "Providers": "服务提供方",
    "Models…": "模型…",
    "Getting started…": "入门向导…",
    "Quit": "退出",
    "Provider ": "服务 ",
    "  Model ": "  模型 ",
    "model name": "模型名称",
    "&File": "文件(&F)",
    "&Edit": "编辑(&E)",
    "&Generate": "生成(&G)",
    "&Settings": "设置(&S)",
    "&Help": "帮助(&H)",
    "About": "关于",
    "Ready": "就绪",
    "Generating…": "正在生成…",
    "Stopped. The text so far is kept.": "已停止。已生成的文字会保留。",
    "Failed. The text so far is kept.": "失败。已生成的文字会保留。",
    "Failed.": "失败。",
    "Parameters": "参数",
    "Temperature": "温度",
    "Max tokens": "最大 token 数",
    "Top-p": "Top-p",
    "Stop sequences": "停止序列",
    "Variants (n)": "候选数 (n)",
    "Continue": "继续",
    "Dismiss": "关闭",
    "Name": "名称",
    "Kind": "类型",
    "Server URL": "服务器地址",
    "Model": "模型",
    "API key": "API 密钥",
    "Context window": "上下文窗口",
    "Test connection": "测试连接",
    "Connecting…": "正在连接…",
    "Add": "添加",
    "Remove": "删除",
    "Built-in engine": "内置引擎",
    "OpenAI-compatible server": "兼容 OpenAI 的服务器",
    "This server needs an API key": "此服务器需要 API 密钥",
    "Code: the completion goes at the cursor *": "代码：补全内容插入在光标处 *",
    "Nothing to save yet.": "还没有可保存的内容。",
    "Recovered an interrupted answer.": "已恢复一个被中断的回答。",
    "Search history": "搜索历史记录",
    "All modes": "全部模式",
    "Starred only": "仅显示星标",
    "History": "历史记录",
    "&View": "视图(&V)",
    "Open": "打开",
    "Rename": "重命名",
    "Delete": "删除",
    "Undo": "撤销",
    "Export…": "导出…",
    "Copy as Markdown": "复制为 Markdown",
    "Local only (no internet)": "仅本地（不联网）",
    "Sending to {0}…": "正在发送到 {0}…",
    "Tokens: {0} · {1} tok/s": "Token：{0} · {1} 个/秒",
    "Done in {0} s": "{0} 秒内完成",
    "Install built-in model": "安装内置模型",
    "Add GGUF file…": "添加 GGUF 文件…",
    "Use this model": "使用此模型",
}


def main() -> None:
    path = Path(__file__).with_name("assistant_zh_CN.ts")
    tree = ET.parse(path)
    for message in tree.iter("message"):
        source = message.findtext("source") or ""
        translation = message.find("translation")
        if translation is not None and source in ZH_CN:
            translation.text = ZH_CN[source]
            translation.attrib.pop("type", None)
    tree.write(path, encoding="utf-8", xml_declaration=True)


if __name__ == "__main__":
    main()
