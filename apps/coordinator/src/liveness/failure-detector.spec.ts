import { FailureDetector } from './failure-detector';

describe('FailureDetector', () => {
  it('marks a node DOWN only after the threshold of consecutive failures', () => {
    const detector = new FailureDetector(3);
    expect(detector.recordFailure('n1')).toBeUndefined();
    expect(detector.recordFailure('n1')).toBeUndefined();
    expect(detector.isUp('n1')).toBe(true);
    expect(detector.recordFailure('n1')).toEqual({ nodeId: 'n1', liveness: 'DOWN' });
    expect(detector.isUp('n1')).toBe(false);
    expect(detector.recordFailure('n1')).toBeUndefined();
    expect(detector.downNodes()).toEqual(['n1']);
  });

  it('resets the count on success, so intermittent errors never mark a node DOWN', () => {
    const detector = new FailureDetector(2);
    for (let i = 0; i < 10; i++) {
      expect(detector.recordFailure('n1')).toBeUndefined();
      expect(detector.recordSuccess('n1')).toBeUndefined();
    }
    expect(detector.isUp('n1')).toBe(true);
  });

  it('brings a DOWN node back UP on the first success', () => {
    const detector = new FailureDetector(1);
    detector.recordFailure('n2');
    expect(detector.recordSuccess('n2')).toEqual({ nodeId: 'n2', liveness: 'UP' });
    expect(detector.isUp('n2')).toBe(true);
    expect(detector.markDown('n2')).toEqual({ nodeId: 'n2', liveness: 'DOWN' });
    expect(detector.markDown('n2')).toBeUndefined();
  });
});
