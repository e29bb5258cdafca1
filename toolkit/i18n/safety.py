"""Safety (issue 8): what the toolkit says when it refuses, skips, waits, sets aside or keeps
something so that nothing is lost, overwritten or let in."""
from __future__ import annotations

FINDINGS: dict[str, tuple[str, str]] = {
    # reading
    'duplicate-sheet-name': ('two sheets are named “{sheet}” (sheets {positions}); each was read by its position',
                             '有多个工作表名为“{sheet}”（第 {positions} 个）；已按位置分别读取'),
    'sheet-unreadable': ('sheet “{sheet}” is damaged and was not read: {reason}',
                         '工作表“{sheet}”已损坏，未读取：{reason}'),
    'unnamed-column-values': ('column {column} has no header; its values in {count} row(s) were not read '
                              '(rows {rows}): give the column a header',
                              '第 {column} 列没有表头，其中 {count} 行的值未读取（行 {rows}）：请为该列填写表头'),
    'hidden-sheet-skipped': ('sheet “{sheet}” is {state} and was not read ({rows} row(s)); '
                             'set reading.include_hidden_sheets = true to read hidden sheets',
                             '工作表“{sheet}”为{state}状态，未读取（{rows} 行）；'
                             '如需读取隐藏工作表，请设置 reading.include_hidden_sheets = true'),
    'hidden-sheet-read': ('sheet “{sheet}” is {state}; it was read (reading.include_hidden_sheets)',
                          '工作表“{sheet}”为{state}状态；已按设置 reading.include_hidden_sheets 读取'),
    'duplicate-file': ('same content as {other}; counted once, as {other}',
                       '内容与 {other} 完全相同；只计入一次（按 {other}）'),
    'rows-not-read': ('sheet {sheet}: more than {limit} cells; {count} row(s) after row {last} were NOT read',
                      '工作表 {sheet} 超过 {limit} 个单元格；第 {last} 行之后的 {count} 行未读取'),
    'macros-present': ('contains macros ({kinds}); they were not run, only the data was read',
                       '包含宏（{kinds}）；宏未运行，仅读取了数据'),
    'formulas-present': ('{count} cell(s) hold formulas (first at {first}): values are the results last saved '
                         'by a spreadsheet program',
                         '{count} 个单元格含有公式（首个在 {first}）：读取的是电子表格程序最后保存的计算结果'),
    'external-links': ('refers to other workbooks ({targets}): values from there are as last saved, '
                       'not read from those files',
                       '引用了其他工作簿（{targets}）：其值为最后保存时的结果，并未从这些文件读取'),
    'text-too-long': ('{column}: the text has {length} characters; a cell holds at most 32 767, '
                      'the master shows the first 32 767',
                      '“{column}”：文本有 {length} 个字符；单元格最多 32 767 个，汇总表只显示前 32 767 个'),
    'file-still-being-written': ('the file was still being written (its size kept changing for {seconds} s); '
                                 'not read this time',
                                 '文件仍在写入中（{seconds} 秒内大小一直在变化）；本次未读取'),
    'file-misnamed': ('{what} named {suffix}; read as what it is',
                      '这是{what}，却以 {suffix} 命名；已按实际格式读取'),
    'own-output-skipped': ('written by this toolkit ({what}); not read as a department workbook',
                           '由本工具生成（{what}），不作为部门工作簿读取'),
    'carried-unmatched': ('{count} hand-typed value(s) of the old master have no single matching task '
                          '(row gone, Task ID blank or repeated); kept on the sheet “{sheet}”',
                          '旧汇总表中 {count} 个手工填写的值找不到唯一对应的任务（行已删除、任务编号为空或重复）；'
                          '已保留在工作表“{sheet}”中'),
}

TEXT: dict[str, tuple[str, str]] = {
    # plain reasons for damaged files (never the library's own words)
    'reason.zip': ('its zip structure is broken or the file is cut short',
                   '其压缩包结构已损坏，或文件不完整'),
    'reason.ole': ('the container of this old-format (.xls) file is broken',
                   '该旧格式（.xls）文件的容器结构已损坏'),
    'reason.xml': ('a part of the workbook holds broken XML',
                   '工作簿中某个部件的 XML 已损坏'),
    'reason.parts': ('a part the workbook needs is missing or broken',
                     '工作簿缺少必需的部件，或部件已损坏'),
    'reason.format': ('the contents do not follow the spreadsheet format',
                      '文件内容不符合电子表格格式'),
    'reason.too_big': ('it is too large to read',
                       '文件太大，无法读取'),
    'reason.denied': ('permission denied',
                      '没有访问权限'),
    'reason.io': ('the disk or network could not deliver its bytes',
                  '磁盘或网络无法读出该文件'),
    'format.xlsx': ('an .xlsx workbook', '.xlsx 工作簿'),
    'format.xls': ('an .xls workbook (Excel 97–2003)', '.xls 工作簿（Excel 97–2003）'),
    'format.xlsb': ('an .xlsb (binary) workbook', '.xlsb（二进制）工作簿'),
    'format.ods': ('an .ods (OpenDocument) spreadsheet', '.ods（OpenDocument）电子表格'),
    'format.csv': ('a CSV text file', 'CSV 文本文件'),
    'state.hidden': ('hidden', '隐藏'),
    'state.veryhidden': ('very hidden', '深度隐藏'),
    'macro.vba': ('VBA', 'VBA'),
    'macro.xlm': ('Excel 4 macro sheets', 'Excel 4 宏表'),
    'own.master': ('a master tracker', '汇总表'),
    'own.annotated': ('an annotated copy', '标注副本'),
    'own.backup': ('a backup of a master', '汇总表备份'),
    'own.conflict': ('a conflict copy of a master', '汇总表冲突副本'),
    'sheet.carried_unmatched': ('Carried, unmatched', '未匹配的手工列'),
    'col.carried_department': ('Department', '部门'),
    'col.carried_task_id': ('Task ID', '任务编号'),
    'col.carried_why': ('Why not matched', '未匹配原因'),
    'carried.why.gone': ('no task with this department and Task ID any more',
                         '已没有该部门和任务编号的任务'),
    'carried.why.blank': ('Task ID was blank', '任务编号为空'),
    'carried.why.ambiguous': ('this department and Task ID occur more than once',
                              '该部门和任务编号出现了不止一次'),
    'history.damaged': ('the history database {file} was damaged; it was kept as {kept} and a new one was started '
                        '(Changes start again from this run)',
                        '历史数据库 {file} 已损坏；已另存为 {kept} 并新建数据库（“变化”将从本次运行重新开始）'),
    'consolidate.exit_findings': ('exit code 1: the inputs have errors or unreadable files (the master was written)',
                                  '退出码 1：输入中有错误或无法读取的文件（汇总表已生成）'),
}

ERRORS: dict[str, tuple[str, str]] = {
    'error.output_is_input': ('the output {path} is one of the input workbooks: choose another output',
                              '输出文件 {path} 是输入工作簿之一：请选择其他输出位置'),
    'error.output_is_link': ('{path} is a symbolic link: the toolkit does not write through links; '
                             'give the real path', '{path} 是符号链接：本工具不会通过链接写入；请给出真实路径'),
    'error.history_unwritable': ('the history database {url} cannot be written ({reason}); nothing was written, '
                                 'the master is unchanged', '历史数据库 {url} 无法写入（{reason}）；未写入任何内容，汇总表未改变'),
    'error.history_after_publish': ('the master was written to {path}, but its snapshot could not be stored in '
                                    '{url} ({reason}): the next Changes will compare with an older run',
                                    '汇总表已写入 {path}，但快照无法保存到 {url}（{reason}）：下次的“变化”将与更早的运行比较'),
    'error.disk_full': ('no space left in {folder}; nothing was replaced', '{folder} 空间不足；未替换任何文件'),
}
TEXT.update(ERRORS)
