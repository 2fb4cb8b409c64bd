// Every golden vector, 3.1 / 3.1.1 then 5.0 (conventions in golden-vector.ts).
import type { GoldenVector } from './golden-vector.ts';
import { GOLDEN_V3_V4 } from './golden-vectors-v4.ts';
import { GOLDEN_V5 } from './golden-vectors-v5.ts';

export type { GoldenVector } from './golden-vector.ts';
export const GOLDEN_VECTORS: GoldenVector[] = [...GOLDEN_V3_V4, ...GOLDEN_V5];
