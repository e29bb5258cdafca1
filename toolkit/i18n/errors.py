"""Errors that stop a run (`ToolkitError` codes): "Error: …" lines, in both languages.

Each `ToolkitError(code, **params)` is shown as `error.prefix` + `error.<code>`.
"""
from __future__ import annotations

TEXT: dict[str, tuple[str, str]] = {
    "error.prefix": ("Error: ", "错误："),
    # the call
    "error.bad_date": ("{value} is not a date (use YYYY-MM-DD)", "{value} 不是有效日期（请用 YYYY-MM-DD）"),
    "error.bad_lang": ("language must be en or zh, not {value}", "语言必须是 en 或 zh，而不是 {value}"),
    "error.no_inputs": ("no workbooks found in {paths}", "在 {paths} 中未找到工作簿"),
    "error.not_found": ("no such file or folder: {path}", "文件或文件夹不存在：{path}"),
    "error.not_file_or_folder": ("not a file or folder: {path}", "不是文件或文件夹：{path}"),
    # toolkit.toml
    "error.config_missing": ("{path} does not exist", "配置文件 {path} 不存在"),
    "error.config_not_file": ("{path} is not a file", "配置文件 {path} 不是文件"),
    "error.config_unreadable": ("{path} cannot be read: {reason}", "无法读取配置文件 {path}：{reason}"),
    "error.config_parse": ("{file}: cannot be parsed: {reason}", "{file} 无法解析：{reason}"),
    "error.config_invalid": ("{file}: {details}", "{file}：配置有误：{details}"),
    # outputs
    "error.output_folder_missing": ("the output folder {folder} does not exist", "输出文件夹 {folder} 不存在"),
    "error.output_not_writable": ("cannot write in {folder}: {reason}", "无法在 {folder} 中写入：{reason}"),
    "error.output_conflict_failed": ("{file} is open or locked and no conflict copy could be saved in {folder}: {reason}",
                                     "{file} 正被打开或锁定，且无法在 {folder} 中另存副本：{reason}"),
    "error.backup_failed": ("cannot keep a backup of {file} in {folder}: {reason}",
                            "无法在 {folder} 中备份 {file}：{reason}"),
    "error.locked": ("another consolidation is running in {folder}; try again later",
                     "另一个汇总任务正在 {folder} 中运行，请稍后再试"),
    "error.annotate_same_file": ("the annotated copy of {file} would replace the original: choose another folder",
                                 "{file} 的标注副本会覆盖原文件：请选择其他文件夹"),
    "error.annotate_not_written": ("cannot write the annotated copy {path}: {reason}",
                                   "无法写入标注副本 {path}：{reason}"),
    "error.init_not_writable": ("cannot set up {path}: {reason}", "无法创建 {path}：{reason}"),
    "error.file_system": ("cannot use {path}: {reason}", "无法使用 {path}：{reason}"),
    "error.unexpected": ("unexpected problem ({kind}: {reason}); run again with --debug and report it",
                         "意外错误（{kind}：{reason}）；请加 --debug 重新运行并报告"),
    # history
    "error.history_open": ("cannot open the history database {url}: {reason}", "无法打开历史数据库 {url}：{reason}"),
    "error.history_store": ("cannot store the snapshot in {url}: {reason}", "无法将快照写入 {url}：{reason}"),
    "error.history_driver": ("the history database {url} needs the Python package {package}: "
                             "pip install 'ops-tracker-toolkit[{extra}]'",
                             "历史数据库 {url} 需要 Python 包 {package}：请运行 pip install 'ops-tracker-toolkit[{extra}]'"),
}
