// The explicit command table oclif loads (package.json "oclif.commands"). Command modules stay
// light: each imports its service lazily, so `drctl validate` never loads ink.
import type { Command } from '@oclif/core';
import Validate from './validate.js';
import GraphCommand from './graph.js';

export const COMMANDS: Record<string, Command.Class> = {
  validate: Validate,
  graph: GraphCommand,
};
