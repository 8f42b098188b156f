import { createRequire } from 'node:module';
import { createCanvas, GlobalFonts } from '@napi-rs/canvas';
import { BarController, BarElement, CategoryScale, Chart, LinearScale, Title, type ChartConfiguration } from 'chart.js';
import { truncate } from '../format';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Title);

// A font shipped with the project, so charts have readable text even on a machine with no fonts.
const FONT = 'HearthSans';
const require = createRequire(import.meta.url);
GlobalFonts.registerFromPath(require.resolve('@fontsource/inter/files/inter-latin-400-normal.woff2'), FONT);
Chart.defaults.font.family = FONT;

export interface BarChart {
  title: string;
  labels: string[];
  values: number[];
  /** Bars that should stand out (the winners). */
  highlight?: number[];
  horizontal?: boolean;
}

const ACCENT = '#e8743b';
const MUTED = '#9aa5b1';

/** Renders a bar chart to a PNG (640 px wide; taller when there are many bars). */
export function renderBarChart(chart: BarChart): Buffer {
  const horizontal = chart.horizontal ?? true;
  const width = 640;
  const height = horizontal ? Math.max(200, 80 + chart.labels.length * 34) : 320;
  const config: ChartConfiguration<'bar'> = {
    type: 'bar',
    data: {
      labels: chart.labels.map((l) => truncate(l, 40)),
      datasets: [
        {
          data: chart.values,
          backgroundColor: chart.values.map((_, i) => (!chart.highlight || chart.highlight.includes(i) ? ACCENT : MUTED)),
          borderRadius: 4,
        },
      ],
    },
    options: {
      indexAxis: horizontal ? 'y' : 'x',
      responsive: false,
      animation: false,
      plugins: { title: { display: true, text: truncate(chart.title, 80), font: { size: 16 } } },
      scales: {
        [horizontal ? 'x' : 'y']: { beginAtZero: true, ticks: { precision: 0 } },
      },
    },
  };
  return renderToPng(width, height, config);
}

/** Draws any chart.js chart on a white canvas and returns the PNG. */
export function renderToPng(width: number, height: number, config: ChartConfiguration): Buffer {
  const canvas = createCanvas(width, height);
  const context = canvas.getContext('2d');
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, width, height);
  // chart.js expects a DOM canvas; @napi-rs/canvas implements the part it uses.
  const instance = new Chart(context as unknown as ConstructorParameters<typeof Chart>[0], config);
  const png = canvas.toBuffer('image/png');
  instance.destroy();
  return png;
}
