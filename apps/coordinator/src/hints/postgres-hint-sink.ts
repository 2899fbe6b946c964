/** Hints are rows in PostgreSQL, written before the client gets its reply (SYSTEM.md §5). */
import { Injectable } from '@nestjs/common';
import { HintRepository } from '@ringkv/db';
import type { HintSink, HintToWrite } from '../kv/replica-ports';

@Injectable()
export class PostgresHintSink implements HintSink {
  constructor(private readonly hints: HintRepository) {}

  async write(hints: HintToWrite[]): Promise<void> {
    const [only] = hints;
    if (hints.length === 1 && only) await this.hints.insert(only);
    else if (hints.length > 1) await this.hints.insertMany(hints);
  }
}
