import { createCanvas } from '@napi-rs/canvas';
import { Chart, Legend, type ChartConfiguration } from 'chart.js';
import { truncate } from '../format';
// Importing the line chart registers the line elements and the project's font.
import './line-chart';

Chart.register(Legend);

export interface DashboardPanel {
  title: string;
  /** One label per point of `current`. */
  labels: string[];
  /** null leaves a gap (no data for that point). */
  current: (number | null)[];
  /** The same points one period earlier, drawn faintly behind. */
  previous: (number | null)[];
  min?: number;
  max?: number;
}

const ACCENT = '#e8743b';
const FAINT = 'rgba(154, 165, 177, 0.55)';
const WIDTH = 640;
const PANEL_HEIGHT = 240;

/** Several line charts stacked in one PNG, each with the previous period drawn faintly behind. */
export function renderDashboard(panels: readonly DashboardPanel[]): Buffer {
  const canvas = createCanvas(WIDTH, PANEL_HEIGHT * panels.length);
  const context = canvas.getContext('2d');
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, WIDTH, PANEL_HEIGHT * panels.length);
  panels.forEach((panel, i) => {
    const part = createCanvas(WIDTH, PANEL_HEIGHT);
    const partContext = part.getContext('2d');
    partContext.fillStyle = '#ffffff';
    partContext.fillRect(0, 0, WIDTH, PANEL_HEIGHT);
    const dense = panel.current.length > 40;
    const config: ChartConfiguration<'line'> = {
      type: 'line',
      data: {
        labels: panel.labels,
        datasets: [
          { label: 'Previous period', data: panel.previous, borderColor: FAINT, backgroundColor: FAINT, borderDash: [6, 4], pointRadius: 0, spanGaps: false, tension: 0.2, order: 2 },
          { label: 'This period', data: panel.current, borderColor: ACCENT, backgroundColor: ACCENT, pointRadius: dense ? 0 : 3, spanGaps: false, tension: 0.2, order: 1 },
        ],
      },
      options: {
        responsive: false,
        animation: false,
        plugins: { title: { display: true, text: truncate(panel.title, 80), font: { size: 15 } }, legend: { display: i === 0, position: 'bottom' } },
        scales: { y: { min: panel.min, max: panel.max, beginAtZero: panel.min === undefined, ticks: { precision: 0 } }, x: { ticks: { maxTicksLimit: 12 } } },
      },
    };
    const chart = new Chart(partContext as unknown as ConstructorParameters<typeof Chart>[0], config as ChartConfiguration);
    context.drawImage(part, 0, i * PANEL_HEIGHT);
    chart.destroy();
  });
  return canvas.toBuffer('image/png');
}
