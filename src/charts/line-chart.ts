import { createCanvas } from '@napi-rs/canvas';
import { CategoryScale, Chart, LinearScale, LineController, LineElement, PointElement, Title, type ChartConfiguration } from 'chart.js';
// The bar chart module registers the project's font; importing it keeps text identical in both kinds.
import './bar-chart';

Chart.register(LineController, LineElement, PointElement, CategoryScale, LinearScale, Title);

export interface LineChart {
  title: string;
  labels: string[];
  /** null leaves a gap (no data for that point). */
  values: (number | null)[];
  min?: number;
  max?: number;
}

const ACCENT = '#e8743b';

/** Renders a line chart to a 640x320 PNG. */
export function renderLineChart(chart: LineChart): Buffer {
  const width = 640;
  const height = 320;
  const canvas = createCanvas(width, height);
  const context = canvas.getContext('2d');
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, width, height);
  const config: ChartConfiguration<'line'> = {
    type: 'line',
    data: {
      labels: chart.labels,
      datasets: [{ data: chart.values, borderColor: ACCENT, backgroundColor: ACCENT, pointRadius: chart.values.length > 40 ? 0 : 3, spanGaps: false, tension: 0.2 }],
    },
    options: {
      responsive: false,
      animation: false,
      plugins: { title: { display: true, text: chart.title.length > 80 ? `${chart.title.slice(0, 79)}…` : chart.title, font: { size: 16 } } },
      scales: { y: { min: chart.min, max: chart.max, ticks: { precision: 0 } }, x: { ticks: { maxTicksLimit: 12 } } },
    },
  };
  // chart.js expects a DOM canvas; @napi-rs/canvas implements the part it uses.
  const instance = new Chart(context as unknown as ConstructorParameters<typeof Chart>[0], config);
  const png = canvas.toBuffer('image/png');
  instance.destroy();
  return png;
}
