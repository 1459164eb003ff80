/**
 * The recommended labels every planned object carries, defined once (the plan sets them; the
 * constructs, the chart and the supply-chain files read them from here).
 */
export const LABEL_NAME = 'app.kubernetes.io/name';
export const LABEL_PART_OF = 'app.kubernetes.io/part-of';
