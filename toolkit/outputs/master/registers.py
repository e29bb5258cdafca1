"""Risks, KPIs, Milestones, Projects and Lessons: the registers with their judgements."""
from __future__ import annotations

from ... import i18n
from ...present.labels import choice_labels, reason_text
from ...present.palette import FILLS, GREEN, RAG_FILLS, RISK_FILLS
from ...schema import KPIS, LESSONS, MILESTONES, PROJECTS, RISKS
from .book import MasterBook


def write_risks(book: MasterBook) -> None:
    t = book.t
    headers, widths = book.spec_headers(RISKS)
    extras = book.extras_of(r.record for r in book.analysis.risks)
    headers += [t("master.col.score"), t("master.col.level"), t("master.col.review_overdue"), *extras,
                *book.source_headers()]
    widths += [12, 10, 12] + [14] * len(extras) + [20, 14, 8]
    labels = choice_labels(RISKS, book.lang)

    def rows():
        for risk in book.analysis.risks:
            fill = RISK_FILLS.get(risk.level)
            level = f"master.level.{risk.level}"
            yield (book.spec_cells(risk.record, RISKS, labels)
                   + [(risk.score, "int", fill),
                      (t(level) if level in i18n.TEXT else risk.level, "text", fill),
                      (t("master.yes") if risk.review_overdue else None, "text",
                       RISK_FILLS["high"] if risk.review_overdue else None)]
                   + book.extra_cells(risk.record, extras) + book.source_cells(risk.record))

    book.table_sheet(RISKS.title(book.lang), headers, widths, rows())

def write_kpis(book: MasterBook) -> None:
    t = book.t
    headers, widths = book.spec_headers(KPIS)
    extras = book.extras_of(k.record for k in book.analysis.kpis)
    headers += [t("master.col.attainment"), t("master.col.met"), *extras, *book.source_headers()]
    widths += [11, 10] + [14] * len(extras) + [20, 14, 8]
    labels = choice_labels(KPIS, book.lang)

    def rows():
        for kpi in book.analysis.kpis:
            fill = None if kpi.met is None else (GREEN if kpi.met else FILLS["overdue"])
            met = None if kpi.met is None else t("master.yes" if kpi.met else "master.no")
            attainment = None if kpi.attainment is None else kpi.attainment / 100.0
            yield (book.spec_cells(kpi.record, KPIS, labels)
                   + [(attainment, "percent", fill), (met, "text", fill)] + book.extra_cells(kpi.record, extras)
                   + book.source_cells(kpi.record))

    book.table_sheet(KPIS.title(book.lang), headers, widths, rows())

def write_milestones(book: MasterBook) -> None:
    t = book.t
    headers, widths = book.spec_headers(MILESTONES)
    extras = book.extras_of(m.record for m in book.analysis.milestones)
    headers += [t("master.col.ms_overdue"), *extras, *book.source_headers()]
    widths += [12] + [14] * len(extras) + [20, 14, 8]
    labels = choice_labels(MILESTONES, book.lang)

    def rows():
        for ms in book.analysis.milestones:
            failed = ms.record.values.get("status") == "failed"
            fill = FILLS["overdue"] if failed else (FILLS["amber"] if ms.overdue else None)
            yield (book.spec_cells(ms.record, MILESTONES, labels, fill)
                   + [(t("master.yes") if ms.overdue else None, "text", fill)]
                   + book.extra_cells(ms.record, extras) + book.source_cells(ms.record, fill))

    book.table_sheet(MILESTONES.title(book.lang), headers, widths, rows())

def write_projects(book: MasterBook) -> None:
    t = book.t
    headers, widths = book.spec_headers(PROJECTS)
    headers += [t("master.col.rag"), t("master.col.task_count"), t("master.col.done_count"),
                t("master.col.overdue_count"), t("master.col.reasons")]
    extras = book.extras_of(book.projects)
    headers += [*extras, *book.source_headers()]
    widths += [9, 8, 8, 9, 60] + [14] * len(extras) + [20, 14, 8]
    labels = choice_labels(PROJECTS, book.lang)
    health = {h.project: h for h in book.analysis.projects}
    seen: set[str] = set()

    def health_cells(name: str) -> list[tuple]:
        h = health.get(name)
        if h is None:
            return [(None, "text", None)] * 5
        return [(book.rag_label(h.rag), "text", RAG_FILLS.get(h.rag)), (h.tasks, "int", None),
                (h.done, "int", None), (h.overdue, "int", None),
                ("\n".join(reason_text(r, book.lang) for r in h.reasons), "wrap", None)]

    def rows():
        for record in book.projects:
            name = str(record.values.get("project") or "").strip()
            seen.add(name)
            yield (book.spec_cells(record, PROJECTS, labels) + health_cells(name) + book.extra_cells(record, extras)
                   + book.source_cells(record))
        for h in book.analysis.projects:   # projects with tasks but no row in any Projects sheet
            if h.project not in seen:
                blank = [(None, "text", None)] * (len(PROJECTS.columns) - 1)
                yield ([(h.project, "text", None)] + blank + health_cells(h.project) + book.extra_cells(None, extras)
                       + [(None, "text", None)] * 3)

    book.table_sheet(PROJECTS.title(book.lang), headers, widths, rows())

def write_lessons(book: MasterBook) -> None:
    headers, widths = book.spec_headers(LESSONS)
    extras = book.extras_of(book.lessons)
    headers += [*extras, *book.source_headers()]
    widths += [14] * len(extras) + [20, 14, 8]
    labels = choice_labels(LESSONS, book.lang)
    rows = (book.spec_cells(rec, LESSONS, labels) + book.extra_cells(rec, extras) + book.source_cells(rec)
            for rec in book.lessons)
    book.table_sheet(LESSONS.title(book.lang), headers, widths, rows)
