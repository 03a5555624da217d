// SPDX-License-Identifier: LGPL-2.1-or-later
/* The SVG chart: median time to empty against N, log-log, one line per
 * method and group count. */
#include <errno.h>
#include <math.h>

#include "bench.h"

static const char *const method_color[M_COUNT] = {
	"#444444", "#1f77b4", "#d62728", "#2ca02c",
};

struct plot {
	double x0, x1, y0, y1;		/* log10 ranges */
	double left, right, top, bottom;	/* pixels */
};

static double px(const struct plot *pl, double v)
{
	return pl->left + (log10(v) - pl->x0) / (pl->x1 - pl->x0) * (pl->right - pl->left);
}

static double py(const struct plot *pl, double v)
{
	return pl->bottom - (log10(v) - pl->y0) / (pl->y1 - pl->y0) * (pl->bottom - pl->top);
}

static void svg_esc(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '<')
			fputs("&lt;", f);
		else if (*s == '>')
			fputs("&gt;", f);
		else if (*s == '&')
			fputs("&amp;", f);
		else
			fputc(*s, f);
	}
}

int write_svg(const char *path, const struct cell *cells, int ncells,
	      struct summary (*su)[M_COUNT], const char *subtitle)
{
	static const char *const dash[] = { "", "8 5", "2 4", "12 4 2 4" };
	struct plot pl = { .left = 90, .right = 640, .top = 60, .bottom = 470 };
	double xmin = INFINITY, xmax = 0, ymin = INFINITY, ymax = 0;
	int gvals[MAX_LIST], ngv = 0;
	FILE *f = fopen(path, "w");
	double ly;

	if (!f)
		return -errno;
	for (int i = 0; i < ncells; i++) {
		bool have = false;

		for (int m = 0; m < M_COUNT; m++) {
			double v = su[i][m].empty.med / 1e6;

			if (isnan(v) || v <= 0)
				continue;
			if (v < ymin)
				ymin = v;
			if (v > ymax)
				ymax = v;
		}
		if (cells[i].bomb)
			continue;
		if ((double)cells[i].n < xmin)
			xmin = (double)cells[i].n;
		if ((double)cells[i].n > xmax)
			xmax = (double)cells[i].n;
		for (int g = 0; g < ngv; g++)
			have = have || gvals[g] == cells[i].groups;
		if (!have && ngv < MAX_LIST)
			gvals[ngv++] = cells[i].groups;
	}
	if (xmax == 0) {
		xmin = 10;
		xmax = 1000;
	}
	if (ymax == 0) {
		ymin = 0.1;
		ymax = 10;
	}
	pl.x0 = floor(log10(xmin));
	pl.x1 = ceil(log10(xmax));
	if (pl.x1 - pl.x0 < 1) {
		pl.x0 -= 0.5;
		pl.x1 += 0.5;
	}
	pl.y0 = floor(log10(ymin));
	pl.y1 = ceil(log10(ymax));
	if (pl.y1 - pl.y0 < 1)
		pl.y1 = pl.y0 + 1;

	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"900\" height=\"540\" "
		"viewBox=\"0 0 900 540\" font-family=\"sans-serif\" font-size=\"12\">\n"
		"<rect width=\"900\" height=\"540\" fill=\"white\"/>\n"
		"<text x=\"365\" y=\"24\" text-anchor=\"middle\" font-size=\"16\">"
		"libcgkill: median time to empty a cgroup subtree</text>\n");
	fprintf(f, "<text x=\"365\" y=\"42\" text-anchor=\"middle\" fill=\"#555\">");
	svg_esc(f, subtitle);
	fprintf(f, "</text>\n");
	/* grid and ticks: decades, with 2 and 5 minor lines */
	for (double d = floor(pl.x0); d <= pl.x1 + 1e-9; d += 1) {
		for (int k = 1; k < 10; k++) {
			double v = pow(10, d) * k;
			double x;

			if (log10(v) > pl.x1 + 1e-9 || log10(v) < pl.x0 - 1e-9)
				continue;
			x = px(&pl, v);
			fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
				"stroke=\"%s\"/>\n", x, pl.top, x, pl.bottom,
				k == 1 ? "#ccc" : "#eee");
			if (k == 1)
				fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%g</text>\n",
					x, pl.bottom + 16, v);
		}
	}
	for (double d = floor(pl.y0); d <= pl.y1 + 1e-9; d += 1) {
		for (int k = 1; k < 10; k++) {
			double v = pow(10, d) * k;
			double y;

			if (log10(v) > pl.y1 + 1e-9 || log10(v) < pl.y0 - 1e-9)
				continue;
			y = py(&pl, v);
			fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
				"stroke=\"%s\"/>\n", pl.left, y, pl.right, y,
				k == 1 ? "#ccc" : "#eee");
			if (k == 1 || k == 2 || k == 5)
				fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%g</text>\n",
					pl.left - 6, y + 4, v);
		}
	}
	fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
		"fill=\"none\" stroke=\"#333\"/>\n", pl.left, pl.top,
		pl.right - pl.left, pl.bottom - pl.top);
	fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">"
		"processes killed, N (log scale)</text>\n",
		(pl.left + pl.right) / 2, pl.bottom + 40);
	fprintf(f, "<text x=\"24\" y=\"%.1f\" text-anchor=\"middle\" "
		"transform=\"rotate(-90 24 %.1f)\">median time to empty, ms (log scale)</text>\n",
		(pl.top + pl.bottom) / 2, (pl.top + pl.bottom) / 2);

	/* one line per method and group count, points in N order */
	for (int m = 0; m < M_COUNT; m++) {
		for (int g = 0; g < ngv && ncells && su[0][m].run; g++) {
			bool first = true;

			fprintf(f, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s%s%s points=\"",
				method_color[m], *dash[g % 4] ? " stroke-dasharray=\"" : "",
				dash[g % 4], *dash[g % 4] ? "\"" : "");
			for (int i = 0; i < ncells; i++) {
				double v = su[i][m].empty.med / 1e6;

				if (cells[i].bomb || cells[i].groups != gvals[g] ||
				    isnan(v) || v <= 0)
					continue;
				fprintf(f, "%s%.1f,%.1f", first ? "" : " ",
					px(&pl, (double)cells[i].n), py(&pl, v));
				first = false;
			}
			fprintf(f, "\"/>\n");
			for (int i = 0; i < ncells; i++) {
				double v = su[i][m].empty.med / 1e6;

				if (cells[i].bomb || cells[i].groups != gvals[g] ||
				    isnan(v) || v <= 0)
					continue;
				fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"%s\">"
					"<title>%s %s: %.3f ms</title></circle>\n",
					px(&pl, (double)cells[i].n), py(&pl, v),
					method_color[m], method_name[m], cells[i].label, v);
			}
		}
	}

	/* legend */
	ly = pl.top + 10;
	fprintf(f, "<text x=\"665\" y=\"%.1f\" font-weight=\"bold\">method</text>\n", ly);
	for (int m = 0; m < M_COUNT; m++) {
		ly += 20;
		fprintf(f, "<line x1=\"665\" y1=\"%.1f\" x2=\"695\" y2=\"%.1f\" stroke=\"%s\" "
			"stroke-width=\"3\"/><text x=\"702\" y=\"%.1f\">%s</text>\n",
			ly - 4, ly - 4, method_color[m], ly, method_name[m]);
	}
	ly += 30;
	fprintf(f, "<text x=\"665\" y=\"%.1f\" font-weight=\"bold\">groups</text>\n", ly);
	for (int g = 0; g < ngv; g++) {
		ly += 20;
		fprintf(f, "<line x1=\"665\" y1=\"%.1f\" x2=\"695\" y2=\"%.1f\" stroke=\"#333\" "
			"stroke-width=\"2\"%s%s%s/><text x=\"702\" y=\"%.1f\">G = %d</text>\n",
			ly - 4, ly - 4, *dash[g % 4] ? " stroke-dasharray=\"" : "",
			dash[g % 4], *dash[g % 4] ? "\"" : "", ly, gvals[g]);
	}
	for (int i = 0; i < ncells; i++) {
		if (!cells[i].bomb)
			continue;
		ly += 30;
		fprintf(f, "<text x=\"665\" y=\"%.1f\" font-weight=\"bold\">fork bomb, cap %ld</text>\n",
			ly, cells[i].n);
		for (int m = 0; m < M_COUNT; m++) {
			ly += 18;
			fprintf(f, "<text x=\"665\" y=\"%.1f\" fill=\"%s\">%s: %.2f ms</text>\n",
				ly, method_color[m], method_name[m],
				su[i][m].empty.med / 1e6);
		}
	}
	fprintf(f, "</svg>\n");
	if (fclose(f) != 0)
		return -errno;
	return 0;
}
