import { describe, expect, it } from 'vitest';
import { generateObservations } from '../../../fixtures/demo-observations.js';
import { validateObservation } from '../../../policies/observations/observation-rules.js';

const span = { from: new Date('2025-01-01T00:00:00Z'), to: new Date('2026-01-01T00:00:00Z') };

describe('demo observation generator', () => {
  it('gives the same data for the same seed and different data for another', () => {
    expect(generateObservations({ seed: 'anna' }, span)).toEqual(generateObservations({ seed: 'anna' }, span));
    expect(generateObservations({ seed: 'luc' }, span)).not.toEqual(generateObservations({ seed: 'anna' }, span));
  });

  it('makes a year of observations that all pass the catalogue rules, inside the span', () => {
    const observations = generateObservations({ seed: 'giulia', glucose: true }, span);
    expect(observations.length).toBeGreaterThan(365 * 10);
    for (const observation of observations) {
      const result = validateObservation(observation, span.to);
      expect(result.ok ? [] : result.problems).toEqual([]);
      expect(observation.effectiveAt >= '2025-01-01' && observation.effectiveAt < '2026-01-01').toBe(true);
    }
  });

  it('has a daily rhythm (night heart rate below the afternoon) and more steps at weekends', () => {
    const observations = generateObservations({ seed: 'noah', restingHeartRate: 60 }, span);
    const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
    const heart = observations.filter((o) => o.category === 'heart-rate');
    const hour = (o: { effectiveAt: string }) => new Date(o.effectiveAt).getUTCHours();
    expect(mean(heart.filter((o) => hour(o) < 5).map((o) => o.value!))).toBeLessThan(
      mean(heart.filter((o) => hour(o) >= 13 && hour(o) < 17).map((o) => o.value!)),
    );
    const steps = observations.filter((o) => o.category === 'steps');
    const weekend = (o: { effectiveAt: string }) => [0, 6].includes(new Date(o.effectiveAt).getUTCDay());
    expect(mean(steps.filter(weekend).map((o) => o.value!))).toBeGreaterThan(
      mean(steps.filter((o) => !weekend(o)).map((o) => o.value!)),
    );
  });
});
