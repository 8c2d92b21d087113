// A small bar chart drawn in SVG (no chart library: the console stays small). Accessible: the SVG
// is an image with a title and a description, and the same figures are in a table that screen
// readers read (visually hidden).
import { Box } from '@mui/material';
import { useId } from 'react';

export interface Bar {
  label: string;
  value: number;
  /** The value as shown (e.g. `1.234,56 €`). */
  shown: string;
}

const visuallyHidden = {
  position: 'absolute',
  width: 1,
  height: 1,
  padding: 0,
  margin: -1,
  overflow: 'hidden',
  clip: 'rect(0 0 0 0)',
  whiteSpace: 'nowrap',
  border: 0,
} as const;

export function BarChart({ bars, title, height = 180, caption }: { bars: Bar[]; title: string; height?: number; caption?: { label: string; value: string } }) {
  const id = useId();
  const width = 600;
  const top = 20;
  const bottom = 28;
  const max = Math.max(1, ...bars.map((b) => b.value));
  const slot = width / Math.max(1, bars.length);
  const barWidth = Math.max(4, slot * 0.6);
  const plot = height - top - bottom;
  return (
    <Box sx={{ position: 'relative' }}>
      <svg viewBox={`0 0 ${width} ${height}`} width="100%" role="img" aria-labelledby={`${id}-title`} style={{ display: 'block', maxHeight: height + 40 }}>
        <title id={`${id}-title`}>{title}</title>
        <line x1={0} x2={width} y1={top + plot} y2={top + plot} stroke="#757575" strokeWidth={1} />
        {bars.map((bar, i) => {
          const h = bar.value <= 0 ? 0 : Math.max(2, (bar.value / max) * plot);
          const x = i * slot + (slot - barWidth) / 2;
          return (
            <g key={bar.label}>
              <rect x={x} y={top + plot - h} width={barWidth} height={h} fill="#1565c0" rx={2}>
                <title>{`${bar.label}: ${bar.shown}`}</title>
              </rect>
              {bar.value > 0 ? (
                <text x={x + barWidth / 2} y={top + plot - h - 4} textAnchor="middle" fontSize={11} fill="#212121">
                  {bar.shown.replace(/,\d\d €$/, ' €')}
                </text>
              ) : null}
              <text x={x + barWidth / 2} y={height - 8} textAnchor="middle" fontSize={12} fill="#424242">
                {bar.label}
              </text>
            </g>
          );
        })}
      </svg>
      <Box component="table" sx={visuallyHidden}>
        <caption>{title}</caption>
        <thead>
          <tr>
            <th scope="col">{caption?.label ?? ''}</th>
            <th scope="col">{caption?.value ?? ''}</th>
          </tr>
        </thead>
        <tbody>
          {bars.map((bar) => (
            <tr key={bar.label}>
              <th scope="row">{bar.label}</th>
              <td>{bar.shown}</td>
            </tr>
          ))}
        </tbody>
      </Box>
    </Box>
  );
}
