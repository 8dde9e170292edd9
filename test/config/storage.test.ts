// The drctl block's storage settings: backend "local" | "pg" and encryption, as the loader decodes them.
import { describe, expect, it } from 'vitest';
import { BASE, diagSummary, load } from './load-helpers.js';

const withDrctl = (inner: string) => `${BASE}\ndrctl {\n${inner}\n}\n`;

describe('backend settings', () => {
  it('decodes backend "pg" with conn_str_env and schema; "postgres" is the same backend', () => {
    for (const label of ['pg', 'postgres']) {
      const r = load(withDrctl(`  backend "${label}" {\n    conn_str_env = "DRCTL_PG"\n    schema = "dr_prod"\n  }`));
      expect(diagSummary(r)).toEqual([]);
      expect(r.config?.settings.backend).toEqual({ type: 'pg', connStr: undefined, connStrEnv: 'DRCTL_PG', schema: 'dr_prod' });
    }
  });

  it('keeps backend "local" and its path', () => {
    const r = load(withDrctl('  backend "local" { path = "state/erp.json" }'));
    expect(r.config?.settings.backend).toEqual({ type: 'local', path: 'state/erp.json' });
  });

  it('says which arguments belong to the other backend, and which conflict', () => {
    const local = load(withDrctl('  backend "local" {\n    path = "s.json"\n    schema = "x"\n  }'));
    expect(diagSummary(local)).toEqual([{ severity: 'error', summary: 'Argument of another backend', at: expect.stringMatching(/^cfg\/main\.hcl:\d+:5-/) }]);
    const pg = load(
      withDrctl('  backend "pg" {\n    path = "s.json"\n    conn_str = "postgres://db/x"\n    conn_str_env = "PG"\n    schema = "Bad-Name"\n  }'),
    );
    expect(diagSummary(pg).map((d) => d.summary)).toEqual(['Argument of another backend', 'Conflicting arguments', 'Invalid schema name']);
  });

  it('an unknown backend is an error with a suggestion', () => {
    const r = load(withDrctl('  backend "pq" {}'));
    expect(r.diagnostics[0].summary).toBe('Unsupported backend');
    expect(r.diagnostics[0].detail).toMatch(/Did you mean "pg"\?/);
  });

  it('warns about a password written in conn_str, without repeating it', () => {
    const r = load(withDrctl('  backend "pg" { conn_str = "postgres://drctl:S3cret-Pa55@db.example/drctl" }'));
    expect(diagSummary(r).map((d) => [d.severity, d.summary])).toEqual([['warning', 'Password in the configuration']]);
    expect(JSON.stringify(r.diagnostics)).not.toContain('S3cret-Pa55');
    expect(r.config?.settings.backend).toMatchObject({ type: 'pg', connStr: 'postgres://drctl:S3cret-Pa55@db.example/drctl' });
    expect(diagSummary(load(withDrctl('  backend "pg" { conn_str = "postgres://drctl@db.example/drctl" }')))).toEqual([]);
  });

  it('without a backend block the backend is local, marked as not written', () => {
    expect(load(withDrctl('  parallelism = 4')).config?.settings.backend).toEqual({ type: 'local', implicit: true });
    expect(load(BASE).config?.settings.backend).toEqual({ type: 'local', implicit: true });
  });
});

describe('encryption settings', () => {
  it('decodes the primary key, enforcement and fallbacks in order', () => {
    const r = load(
      withDrctl(
        '  encryption {\n    key_file = "keys/new.key"\n    enforced = true\n    fallback { key_file = "keys/old.key" }\n    fallback { passphrase_env = "OLD_PASS" }\n  }',
      ),
    );
    expect(diagSummary(r)).toEqual([]);
    expect(r.config?.settings.encryption).toEqual({
      keyFile: 'keys/new.key',
      passphraseEnv: undefined,
      enforced: true,
      fallbacks: [
        { keyFile: 'keys/old.key', passphraseEnv: undefined },
        { keyFile: undefined, passphraseEnv: 'OLD_PASS' },
      ],
    });
  });

  it('needs exactly one key per block', () => {
    const r = load(withDrctl('  encryption {\n    key_file = "k"\n    passphrase_env = "P"\n    fallback {}\n  }'));
    expect(diagSummary(r).map((d) => d.summary)).toEqual(['One key needed', 'One key needed']);
    expect(r.diagnostics[0].detail).toMatch(/not both/);
    expect(r.diagnostics[1].detail).toMatch(/not neither/);
  });

  it('passphrase_env is a variable name, never the passphrase', () => {
    const r = load(withDrctl('  encryption { passphrase_env = "correct horse battery staple" }'));
    expect(diagSummary(r).map((d) => d.summary)).toEqual(['Invalid environment variable name']);
    expect(JSON.stringify(r.diagnostics)).not.toContain('horse');
  });

  it('a misspelt argument is caught inside the fallback block too', () => {
    const r = load(withDrctl('  encryption {\n    key_file = "k"\n    fallback { keyfile = "old" }\n  }'));
    expect(r.diagnostics.map((d) => d.summary)).toContain('Unsupported argument');
  });

  it('is absent without an encryption block', () => {
    expect(load(withDrctl('  parallelism = 4')).config?.settings.encryption).toBeUndefined();
  });
});
