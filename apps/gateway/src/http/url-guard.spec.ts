import { badUrlReason } from './url-guard';

describe('URL guard', () => {
  it('lets well-formed paths and any query through', () => {
    expect(badUrlReason('/v1/key-value?key=%ff')).toBeUndefined();
    expect(badUrlReason('/v1/tenants/acme%2Dx/api-keys')).toBeUndefined();
  });

  it('flags undecodable paths and over-long segments', () => {
    expect(badUrlReason('/v1/tenants/%ff')).toMatch(/percent-encoded/);
    expect(badUrlReason('/v1/tenants/%E2%82')).toMatch(/percent-encoded/);
    expect(badUrlReason(`/v1/tenants/${'a'.repeat(101)}`)).toMatch(/longer than 100/);
  });
});
