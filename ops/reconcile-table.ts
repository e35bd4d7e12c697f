/** The reconciler's report as a table for a terminal, Chinese first, then English. */
import type { ReconcileReport } from './reconcile-types';

const CHECKS: Record<string, string> = {
  a: '(a) 工作流缺失或已结束 / workflow missing or ended',
  b: '(b) 读模型缺行 / row missing',
  c: '(c) 不一致 / differs',
  d: '(d) 编号 / numbering',
};

/** Display width in a terminal: CJK and full-width forms take two columns. */
function width(s: string): number {
  let w = 0;
  for (const ch of s)
    w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch)
      ? 2
      : 1;
  return w;
}
const pad = (s: string, n: number) => s + ' '.repeat(Math.max(0, n - width(s)));
const text = (v: string | number | null | undefined) => (v === null || v === undefined ? '—' : String(v));

export function formatReport(report: ReconcileReport): string {
  const lines: string[] = [];
  const { rows, workflows, numbers } = report.checked;
  lines.push(
    `对账：读模型 ${rows} 行，工作流 ${workflows} 个，编号 ${numbers} 个 / reconciled: ${rows} rows, ${workflows} workflows, ${numbers} numbers`,
  );
  if (report.findings.length === 0) lines.push('未发现差异 / no differences found');
  else {
    const header = ['检查 check', '案件 case', '项目 field', '读模型 read model', '工作流 workflow', '状态 status'];
    const body = report.findings.map((f) => [
      f.check,
      f.caseNumber ? `${f.disputeId ?? ''} ${f.caseNumber}`.trim() : text(f.disputeId),
      text(f.field),
      text(f.readModel),
      text(f.workflow),
      f.repaired ? '已修复 repaired' : '待处理 open',
    ]);
    const widths = header.map((h, i) => Math.max(width(h), ...body.map((r) => width(r[i]!))));
    const line = (cells: string[]) =>
      cells
        .map((c, i) => pad(c, widths[i]!))
        .join('  ')
        .trimEnd();
    lines.push('', line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line), '');
    for (const check of ['a', 'b', 'c', 'd']) {
      const of = report.findings.filter((f) => f.check === check);
      if (of.length === 0) continue;
      lines.push(CHECKS[check]!);
      for (const f of of)
        lines.push(
          `  ${f.disputeId ?? f.field ?? ''}: ${f.message}`,
          `    ${f.repaired ? '已修复 / repaired' : `→ ${f.fix}`}`,
        );
    }
  }
  if (report.repaired > 0) lines.push(`已修复 ${report.repaired} 项 / ${report.repaired} repaired`);
  for (const e of report.errors) lines.push(`错误 / error: ${e}`);
  return lines.join('\n');
}
