/** What a probe found. */
export class ProbeDto {
  /** Always `ok` on a 200; a failing probe answers 503 in the one error shape. */
  status!: string;
  /** Each dependency checked and its state, e.g. `{"database": "up", "migrations": "applied"}`. */
  checks!: Record<string, string>;
}
