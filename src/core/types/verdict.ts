// The verdict on a run and the steps that follow from it.

export type VerdictStatus = 'ok' | 'partial' | 'intercepted' | 'blocked' | 'unknown';

export interface AdviceStep {
  text: string;
  /** What led to the step: attempts as `address:port reason`, DNS names, ranges or findings. */
  evidence: string[];
}

export interface Verdict {
  status: VerdictStatus;
  exitCode: number;
  /** The verdict as one plain sentence. */
  text: string;
  /** Numbered steps for whoever runs the tool, most useful first. */
  advice: AdviceStep[];
}
