#!/usr/bin/env node
// Entry point: run the TypeScript CLI through tsx's loader without a build step.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
