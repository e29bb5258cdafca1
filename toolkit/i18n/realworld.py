"""Trackers as real teams keep them: skipped rows and sheets, columns judged by their values,
mappings, data issues, the truthful summary and changes (issue 9)."""
from __future__ import annotations

FINDINGS: dict[str, tuple[str, str]] = {
    'sheet-skipped': ('sheet “{sheet}” is not read: it holds no table of the tracker standard',
                      '未读取工作表“{sheet}”：其中没有符合标准的表格'),
    'sheet-skipped-closest': ('sheet “{sheet}” is not read: closest is {kind} (headers matched: {matched}; '
                              'missing: {missing}); rename those headers or map them in toolkit.toml '
                              '(`toolkit map FILE --write`)',
                              '未读取工作表“{sheet}”：最接近“{kind}”（已识别表头：{matched}；缺少：{missing}）；'
                              '请修改表头，或在 toolkit.toml 中映射（`toolkit map 文件 --write`）'),
    'sheet-read-as': ('sheet “{sheet}” is read as {kind}, not {named}: its columns are those of {kind} ({headers})',
                      '工作表“{sheet}”按“{kind}”读取而非“{named}”：其列属于“{kind}”（{headers}）'),
    'column-judged': ('column “{header}” is read as {column}, judged by its values ({example})',
                      '列“{header}”按其内容（{example}）读取为“{column}”'),
    'column-not-dates': ('column “{header}” looks like {column} but holds no dates ({example}): not read as {column}',
                         '列“{header}”像是“{column}”，但内容不是日期（{example}），未按“{column}”读取'),
    'column-looks-like': ('{column} not found; column “{header}” looks like {column}: rename it or map it in toolkit.toml',
                          '未找到“{column}”列；列“{header}”像是“{column}”：请重命名该列，或在 toolkit.toml 中映射'),
    'columns-outside': ('columns beside the table are not read (a legend or notes): {headers}',
                        '表格旁的列未读取（图例或说明）：{headers}'),
    'skipped-hidden-row': ('hidden row(s) {rows} skipped',
                           '已跳过隐藏行 {rows}'),
    'skipped-header-row': ('row(s) {rows} repeat the header: skipped',
                           '第 {rows} 行重复表头，已跳过'),
    'skipped-totals-row': ('row(s) {rows} hold totals: skipped',
                           '第 {rows} 行为合计行，已跳过'),
    'skipped-summary-row': ('row(s) {rows} group the rows under them (outline summary, no start, due or owner): skipped',
                            '第 {rows} 行为其下各行的汇总行（大纲父行，无开始、截止日期或负责人），已跳过'),
    'skipped-empty-row': ('row(s) {rows} name no task (no ID, task, owner, start or due): skipped',
                          '第 {rows} 行没有任务内容（无编号、任务、负责人、开始或截止日期），已跳过'),
    'skipped-below-table': ('rows below the Excel table (it ends at row {last}) are not read',
                            'Excel 表格（止于第 {last} 行）下方的行未读取'),
    'default-hours': ('no {column} column: every task counts {default} h in the workload; add the column or map it',
                      '没有“{column}”列：工作量按每项任务 {default} 小时计算；请添加该列或进行映射'),
    'default-capacity': ('no {column} for {who}: {default} h a week is assumed in the workload',
                         '{who}没有“{column}”：工作量按每周 {default} 小时计算'),
}

TEXT: dict[str, tuple[str, str]] = {
    'severity.info': ('info', '提示'),
    'rw.everyone': ('any owner (no Team sheet)', '所有负责人（没有团队成员表）'),
    'rw.team_sheet': ('the Team sheet', '团队成员表'),
    'rag.data_errors': ('{count} task row(s) have data errors: not shown green',
                        '{count} 行任务数据有误：不显示为绿色'),
    'rag.unknown_project': ('not in the Projects sheet{hint}: health unknown',
                            '不在项目概况表中{hint}：健康状况未知'),
    'master.rag.unknown': ('Unknown', '未知'),
    'master.level.invalid': ('Invalid', '无效'),
    'master.col.data_issue': ('Data issue', '数据问题'),
    'master.legend.data_issue': ('Data issue: a value could not be read (see Findings); the row takes part in nothing that needs it',
                                 '数据问题：某个值无法识别（见“问题”表），该行不参与需要该值的计算'),
    'master.status_invalid': ('(invalid status)', '（无效状态）'),
    'master.dash.data': ('Data: {files_without_tasks} file(s) gave no tasks · {skipped} row(s) skipped{why} · '
                         '{no_due} task(s) without due date · {no_owner} without owner · {no_status} without a known status · '
                         '{issues} with data issues',
                         '数据：{files_without_tasks} 个文件没有任务 · 跳过 {skipped} 行{why} · '
                         '{no_due} 项任务无截止日期 · {no_owner} 项无负责人 · {no_status} 项状态未知 · {issues} 项数据有误'),
    'master.change.days_late': ('{days} working day(s) late', '逾期 {days} 个工作日'),
    'master.changes.since': ('Compared with the run of {stamp} (as of {as_of})',
                             '对比 {stamp} 的运行（统计日期 {as_of}）'),
    'consolidate.data': ('{files_without_tasks} file(s) gave no tasks{names} · {skipped} row(s) skipped{why} · '
                         '{no_due} task(s) without due date · {no_owner} without owner · {no_status} without a known status · '
                         '{issues} with data issues',
                         '{files_without_tasks} 个文件没有任务{names} · 跳过 {skipped} 行{why} · '
                         '{no_due} 项任务无截止日期 · {no_owner} 项无负责人 · {no_status} 项状态未知 · {issues} 项数据有误'),
    'consolidate.changes_run': ('{count} change(s) since the run of {stamp} (as of {since})',
                                '自 {stamp} 的运行（统计日期 {since}）以来有 {count} 处变化'),
    'skip.hidden': ('hidden', '隐藏行'),
    'skip.header': ('repeated header', '重复表头'),
    'skip.totals': ('totals', '合计行'),
    'skip.summary': ('outline summary', '汇总父行'),
    'skip.empty': ('no task', '无任务内容'),
    'map.sheet': ('Sheet “{sheet}” read as {kind} (header row {row})', '工作表“{sheet}”按“{kind}”读取（表头第 {row} 行）'),
    'map.column': ('  {column:<14} ← “{header}” ({how}) e.g. {examples}', '  {column:<8} ← “{header}”（{how}）例：{examples}'),
    'map.missing': ('  missing: {columns}', '  缺少：{columns}'),
    'map.unmapped': ('  not read as a standard column: {headers}', '  未按标准列读取：{headers}'),
    'map.skipped': ('Sheet “{sheet}” not read{closest}', '未读取工作表“{sheet}”{closest}'),
    'map.closest': (' (closest: {kind}, headers matched: {matched})', '（最接近：{kind}，已识别表头：{matched}）'),
    'map.statuses': ('  status words: {words}', '  状态值：{words}'),
    'map.how.name': ('standard name', '标准名称'),
    'map.how.synonym': ('synonym', '同义词'),
    'map.how.mapping': ('toolkit.toml', 'toolkit.toml'),
    'map.how.values': ('judged by values', '按内容判断'),
    'map.written': ('Mapping for “{pattern}” written to {path}', '“{pattern}”的映射已写入 {path}'),
}
