#include "monitoring/kolmogorov_smirnov.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <numbers>
#include <numeric>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

#include "monitoring/sort.h"

namespace governance::monitoring {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
// scipy switches ks_2samp from exact to asymptotic above this sample size.
constexpr std::int64_t kMaxExactN = 10000;
// Samples at least this large are sorted on two threads.
constexpr std::size_t kParallelSortSize = std::size_t{1} << 16;
// scipy.special.smirnov sums exactly up to this n and approximates above.
constexpr std::int64_t kSmirnovMaxExactN = 1000000;
// log of the smallest normal double (cephes MINLOG).
constexpr double kMinLog = -7.08396418532264106224E2;
// Rescaling step that keeps intermediate products of the matrix and
// recursion methods inside the double range.
constexpr int kScaleBits = 128;
const double kScaleUp = std::ldexp(1.0, kScaleBits);
const double kScaleDown = std::ldexp(1.0, -kScaleBits);

double Clip01(double p) { return std::clamp(p, 0.0, 1.0); }

std::int64_t FloorDiv(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}
std::int64_t CeilDiv(std::int64_t a, std::int64_t b) {
  return -FloorDiv(-a, b);
}

// Pr(D_{n,n} >= h/n): the alternating sum of binomial ratios, nested
// Horner-style so that no term is subtracted from a much larger one.
double ExactSquareSurvival(std::int64_t n, std::int64_t h) {
  double p = 0.0;
  for (std::int64_t k = n / h; k >= 0; --k) {
    double term = 1.0;
    for (std::int64_t j = 0; j < h; ++j) {
      term = static_cast<double>(n - k * h - j) * term /
             static_cast<double>(n + k * h + j + 1);
    }
    p = term * (1.0 - p);
  }
  return 2 * p;
}

// The proportion of lattice paths from (0,0) to (m,n) that leave the band
// |x/m - y/n| < h/lcm. One column of the path-count table is kept, as
// probabilities of leaving the band so far, inside a sliding window.
double ExactRectangleSurvival(std::int64_t m, std::int64_t n, std::int64_t g,
                              std::int64_t h) {
  if (m < n) std::swap(m, n);
  const std::int64_t mg = m / g;
  const std::int64_t ng = n / g;
  std::int64_t minj = 0;
  std::int64_t maxj = std::min(CeilDiv(h, mg), n + 1);
  std::int64_t curlen = maxj - minj;
  const std::int64_t len = std::min(2 * maxj + 2, n + 1);
  std::vector<double> column(static_cast<std::size_t>(len), 1.0);
  std::fill(column.begin(), column.begin() + maxj, 0.0);
  for (std::int64_t i = 1; i <= m; ++i) {
    const std::int64_t lastminj = minj;
    const std::int64_t lastlen = curlen;
    minj = std::min(std::max(FloorDiv(ng * i - h, mg) + 1, std::int64_t{0}), n);
    maxj = std::min(CeilDiv(ng * i + h, mg), n + 1);
    if (maxj <= minj) return 1.0;
    double val = minj == 0 ? 0.0 : 1.0;
    for (std::int64_t jj = 0; jj < maxj - minj; ++jj) {
      const std::int64_t j = jj + minj;
      const std::int64_t from = jj + minj - lastminj;
      if (from < 0 || from >= len || jj >= len) return kNaN;
      val = (column[from] * static_cast<double>(i) +
             val * static_cast<double>(j)) /
            static_cast<double>(i + j);
      column[jj] = val;
    }
    curlen = maxj - minj;
    if (lastlen > curlen) {
      const std::int64_t end = std::min(maxj - minj + (lastlen - curlen), len);
      std::fill(column.begin() + (maxj - minj), column.begin() + end, 1.0);
    }
  }
  return column[maxj - minj - 1];
}

// log(n! / n^n) by Stirling's series with n·log(n) removed up front.
double LogFactorialOverPower(double n) {
  // B_{2j} / (2j(2j-1)) for j = 8 … 1, highest power first.
  static constexpr double kStirling[] = {
      -2.955065359477124183e-2,  6.4102564102564102564e-3,
      -1.9175269175269175269e-3, 8.4175084175084175084e-4,
      -5.952380952380952381e-4,  7.9365079365079365079e-4,
      -2.7777777777777777778e-3, 8.3333333333333333333e-2};
  const double rn = 1.0 / n;
  const double rn2 = rn / n;
  double poly = 0.0;
  for (double c : kStirling) poly = poly * rn2 + c;
  return std::log(n) / 2 - n + std::log(2 * std::numbers::pi) / 2 + rn * poly;
}

using Matrix = std::vector<double>;  // row-major, m × m

Matrix Multiply(const Matrix& a, const Matrix& b, std::size_t m) {
  Matrix c(m * m, 0.0);
  for (std::size_t i = 0; i < m; ++i) {
    for (std::size_t k = 0; k < m; ++k) {
      const double aik = a[i * m + k];
      if (aik == 0.0) continue;
      for (std::size_t j = 0; j < m; ++j) c[i * m + j] += aik * b[k * m + j];
    }
  }
  return c;
}

// Pr(D_n <= d) by Durbin's matrix method as organised by Marsaglia, Tsang
// and Wang: (n!/n^n) · (H^n)[k,k] with k = ceil(n·d), scaled by powers of 2.
double DurbinMatrixCdf(std::int64_t n, double d) {
  if (d >= 1.0) return 1.0;
  const double nd = static_cast<double>(n) * d;
  if (nd <= 0.5) return 0.0;
  const auto k = static_cast<std::size_t>(std::ceil(nd));
  const double h = static_cast<double>(k) - nd;
  const std::size_t m = 2 * k - 1;

  std::vector<double> v(m), w(m);
  double fac = 1.0;
  for (std::size_t j = 1; j <= m; ++j) {
    w[j - 1] = fac;
    fac /= static_cast<double>(j);
    v[j - 1] = (1.0 - std::pow(h, static_cast<double>(j))) * fac;
  }
  const double tt =
      std::pow(std::max(2 * h - 1.0, 0.0), static_cast<double>(m)) -
      2 * std::pow(h, static_cast<double>(m));
  v[m - 1] = (1.0 + tt) * fac;

  Matrix hm(m * m, 0.0);
  for (std::size_t col = 1; col < m; ++col) {
    for (std::size_t row = col - 1; row < m; ++row)
      hm[row * m + col] = w[row - (col - 1)];
  }
  for (std::size_t row = 0; row < m; ++row) hm[row * m] = v[row];
  for (std::size_t col = 0; col < m; ++col)
    hm[(m - 1) * m + col] = v[m - 1 - col];

  Matrix power(m * m, 0.0);
  for (std::size_t i = 0; i < m; ++i) power[i * m + i] = 1.0;
  std::int64_t exponent = 0;
  std::int64_t h_exponent = 0;
  for (std::int64_t nn = n; nn > 0; nn /= 2) {
    if (nn % 2 != 0) {
      power = Multiply(power, hm, m);
      exponent += h_exponent;
    }
    hm = Multiply(hm, hm, m);
    h_exponent *= 2;
    if (std::fabs(hm[(k - 1) * m + (k - 1)]) > kScaleUp) {
      for (double& x : hm) x /= kScaleUp;
      h_exponent += kScaleBits;
    }
  }
  double p = power[(k - 1) * m + (k - 1)];
  const auto nf = static_cast<double>(n);
  for (std::int64_t i = 1; i <= n; ++i) {
    p = static_cast<double>(i) * p / nf;
    if (std::fabs(p) < kScaleDown) {
      p *= kScaleUp;
      exponent -= kScaleBits;
    }
  }
  if (exponent != 0) p = std::ldexp(p, static_cast<int>(exponent));
  return Clip01(p);
}

// The interval of non-zero entries in row i of Pomeranz's recursion.
std::pair<std::int64_t, std::int64_t> PomeranzBounds(std::int64_t i,
                                                     std::int64_t n,
                                                     std::int64_t ll,
                                                     std::int64_t ceilf,
                                                     std::int64_t roundf) {
  std::int64_t j1 = 0;
  std::int64_t j2 = 0;
  if (i == 0) {
    j1 = -ll - ceilf - 1;
    j2 = ll + ceilf - 1;
  } else {
    const std::int64_t half = (i + 1) / 2;
    if ((i + 1) % 2 == 0) {
      if (half == n + 1) {
        j1 = n - ll - ceilf - 1;
        j2 = n + ll + ceilf - 1;
      } else {
        j1 = half - 1 - ll - roundf - 1;
        j2 = half + ll - 1 + ceilf - 1;
      }
    } else {
      j1 = half - 1 - ll - 1;
      j2 = half + ll + roundf - 1;
    }
  }
  return {std::max(j1 + 2, std::int64_t{0}), std::min(j2, n)};
}

// Pr(D_n <= x) by Pomeranz's recursion: each row convolves the previous one
// with one of three truncated Poisson weight vectors.
double PomeranzCdf(std::int64_t n, double x) {
  const double t = static_cast<double>(n) * x;
  const auto ll = static_cast<std::int64_t>(std::floor(t));
  const double f = t - static_cast<double>(ll);
  const double g = std::min(f, 1.0 - f);
  const std::int64_t ceilf = f > 0 ? 1 : 0;
  const std::int64_t roundf = f > 0.5 ? 1 : 0;
  const auto npwrs = static_cast<std::size_t>(2 * (ll + 1));
  const auto nf = static_cast<double>(n);
  std::vector<double> gpower(npwrs), twogpower(npwrs), onem2gpower(npwrs);
  gpower[0] = twogpower[0] = onem2gpower[0] = 1.0;
  for (std::size_t m = 1; m < npwrs; ++m) {
    const auto md = static_cast<double>(m);
    gpower[m] = gpower[m - 1] * (g / nf) / md;
    twogpower[m] = twogpower[m - 1] * (2 * g / nf) / md;
    onem2gpower[m] = onem2gpower[m - 1] * ((1 - 2 * g) / nf) / md;
  }
  std::vector<double> v0(npwrs, 0.0), v1(npwrs, 0.0);
  v1[0] = 1.0;
  std::int64_t v0s = 0;
  std::int64_t v1s = 0;
  std::int64_t exponent = 0;
  auto [j1, j2] = PomeranzBounds(0, n, ll, ceilf, roundf);
  const auto size = static_cast<std::int64_t>(npwrs);
  for (std::int64_t i = 1; i < 2 * n + 2; ++i) {
    const std::int64_t k1 = j1;
    std::swap(v0, v1);
    std::swap(v0s, v1s);
    std::fill(v1.begin(), v1.end(), 0.0);
    std::tie(j1, j2) = PomeranzBounds(i, n, ll, ceilf, roundf);
    const std::vector<double>& pwrs =
        (i == 1 || i == 2 * n + 1) ? gpower
                                   : (i % 2 != 0 ? twogpower : onem2gpower);
    const std::int64_t ln2 = j2 - k1 + 1;
    if (ln2 > 0) {
      const std::int64_t conv_start = j1 - k1;
      const std::int64_t conv_len = j2 - j1 + 1;
      double largest = 0.0;
      for (std::int64_t c = 0; c < conv_len && c < size; ++c) {
        const std::int64_t idx =
            conv_start + c;  // index into the full convolution
        double sum = 0.0;
        for (std::int64_t a = std::max<std::int64_t>(0, idx - ln2 + 1);
             a <= std::min(idx, ln2 - 1); ++a) {
          const std::int64_t src = k1 - v0s + a;
          if (src < 0 || src >= size || idx - a >= size) continue;
          sum += v0[src] * pwrs[idx - a];
        }
        v1[c] = sum;
        largest = std::max(largest, sum);
      }
      if (largest > 0 && largest < kScaleDown) {
        for (double& e : v1) e *= kScaleUp;
        exponent -= kScaleBits;
      }
      v1s = v0s + j1 - k1;
    }
  }
  const std::int64_t last = n - v1s;
  double ans = (last >= 0 && last < size) ? v1[last] : 0.0;
  for (std::int64_t m = 1; m <= n; ++m) {
    if (std::fabs(ans) > kScaleUp) {
      ans *= kScaleDown;
      exponent += kScaleBits;
    }
    ans *= static_cast<double>(m);
  }
  if (exponent != 0) ans = std::ldexp(ans, static_cast<int>(exponent));
  return Clip01(ans);
}

// Pelz and Good's asymptotic series for Pr(D_n <= x): the limiting
// distribution plus corrections in n^(-1/2), n^(-1) and n^(-3/2), written
// with Jacobi-theta transforms that converge fast for small z = x·sqrt(n).
double PelzGoodCdf(std::int64_t n, double x) {
  using std::numbers::pi;
  if (x <= 0.0) return 0.0;
  if (x >= 1.0) return 1.0;
  const auto nf = static_cast<double>(n);
  const double z = std::sqrt(nf) * x;
  const double z2 = z * z, z3 = z2 * z, z4 = z2 * z2, z6 = z4 * z2;
  const double pi2 = pi * pi, pi4 = pi2 * pi2, pi6 = pi4 * pi2;
  const double qlog = -pi2 / 8 / z2;
  if (qlog < -708) return 0.0;
  double q = std::exp(qlog);

  const double k1a = -z2;
  const double k1b = pi2 / 4;
  const double k2a = 6 * z6 + 2 * z4;
  const double k2b = (2 * z4 - 5 * z2) * pi2 / 4;
  const double k2c = pi4 * (1 - 2 * z2) / 16;
  const double k3d = pi6 * (5 - 30 * z2) / 64;
  const double k3c = pi4 * (-60 * z2 + 212 * z4) / 16;
  const double k3b = pi2 * (135 * z4 - 96 * z6) / 4;
  const double k3a = -30 * z6 - 90 * std::pow(z, 8);

  double k[4] = {0, 0, 0, 0};
  const auto maxk = static_cast<std::int64_t>(std::ceil(16 * z / pi));
  for (std::int64_t kk = maxk; kk > 0; --kk) {
    const auto m = static_cast<double>(2 * kk - 1);
    const double m2 = m * m, m4 = m2 * m2, m6 = m4 * m2;
    const double qpower = std::pow(q, static_cast<double>(8 * kk));
    const double coeffs[4] = {1.0, k1a + k1b * m2, k2a + k2b * m2 + k2c * m4,
                              k3a + k3b * m2 + k3c * m4 + k3d * m6};
    for (int i = 0; i < 4; ++i) k[i] = k[i] * qpower + coeffs[i];
  }
  const double sqrt2pi = std::sqrt(2 * pi);
  const double denominators[4] = {z, 6 * z4, 72 * std::pow(z, 7),
                                  6480 * std::pow(z, 10)};
  for (int i = 0; i < 4; ++i) k[i] = k[i] * q * sqrt2pi / denominators[i];

  q = std::exp(-pi2 / 2 / z2);
  const double sqrt3z = std::sqrt(3.0) * z;
  double k2extra = 0.0;
  double k3extra = 0.0;
  for (std::int64_t kk = maxk; kk > 0; --kk) {
    const auto kf = static_cast<double>(kk);
    const double ksq = kf * kf;
    const double qp = std::pow(q, ksq);
    const double kspi = pi * kf;
    k2extra += ksq * qp;
    k3extra += (sqrt3z + kspi) * (sqrt3z - kspi) * ksq * qp;
  }
  k[2] += k2extra * (pi2 * sqrt2pi / (-36 * z3));
  k[3] += k3extra * (pi2 * sqrt2pi / (216 * z6));
  double sum = 0.0;
  for (int i = 0; i < 4; ++i) sum += k[i] / std::pow(nf, i / 2.0);
  return sum;
}

}  // namespace

double SmirnovSurvival(std::int64_t n, double x) {
  if (std::isnan(x) || n <= 0) return kNaN;
  if (x <= 0.0) return 1.0;
  if (x >= 1.0) return 0.0;
  if (n == 1) return 1.0 - x;
  const auto nd = static_cast<double>(n);
  if (nd * x <= 1.0)
    return 1.0 - x * std::pow(1.0 + x, nd - 1);        // exact for x <= 1/n
  if (-2 * nd * x * x < kMinLog) return 0.0;           // underflows
  if (nd * x >= nd - 1) return std::pow(1.0 - x, nd);  // exact for x >= 1 - 1/n
  if (n > kSmirnovMaxExactN) {
    // Beyond scipy's exact range it uses p ~ exp(-(6nx + 1)^2 / (18n));
    // so do we, to return the same p-values.
    const double logp = -std::pow(6.0 * nd * x + 1, 2) / 18.0 / nd;
    if (logp < -std::numbers::ln2) return std::exp(logp);
    const double cdf = -std::expm1(logp);
    return 1.0 - cdf;
  }
  // Birnbaum–Tingey: x · Σ_{v=0}^{⌊n(1-x)⌋} C(n,v) (x + v/n)^(v-1) (1 - x -
  // v/n)^(n-v). Every term is positive, so the sum is taken as exp(peak) · Σ
  // exp(log term - peak) without cancellation. For small x the terms are nearly
  // flat and all O(n) of them matter, so the loop stays in double
  // precision (its rounding errors are independent from term to term and
  // average out) and log C(n, v) is updated incrementally, compensated.
  const double nx = nd * x;
  const auto vmax = static_cast<std::int64_t>(std::floor(nd - nx));
  if (vmax < 0) return 0.0;
  const double log_x = std::log(x);
  std::vector<double> terms;
  terms.reserve(static_cast<std::size_t>(vmax) + 1);
  double peak = -std::numeric_limits<double>::infinity();
  double log_binomial = 0;  // log C(n, v), with Kahan compensation
  double compensation = 0;
  for (std::int64_t v = 0; v <= vmax; ++v) {
    const auto vr = static_cast<double>(v);
    if (v > 0) {
      const double y = std::log((nd - vr + 1) / vr) - compensation;
      const double sum = log_binomial + y;
      compensation = (sum - log_binomial) - y;
      log_binomial = sum;
    }
    const double q = ((nd - vr) - nx) / nd;
    if (q <= 0) break;
    const double a = (nx + vr) / nd;
    const double t =
        log_binomial + (vr - 1) * std::log(a) + (nd - vr) * std::log(q) + log_x;
    terms.push_back(t);
    peak = std::max(peak, t);
  }
  if (!std::isfinite(peak)) return 0.0;
  constexpr double kNegligible = 60;
  long double total = 0;
  for (double t : terms) {
    if (t >= peak - kNegligible) total += std::exp(t - peak);
  }
  return Clip01(std::exp(peak) * static_cast<double>(total));
}

double KolmogorovSurvival(std::int64_t n, double x) {
  if (std::isnan(x) || n <= 0) return kNaN;
  if (x >= 1.0) return 0.0;
  if (x <= 0.0) return 1.0;
  const auto nf = static_cast<double>(n);
  const double t = nf * x;
  if (t <= 1.0) {  // Ruben–Gambino: 1/(2n) <= x <= 1/n
    if (t <= 0.5) return 1.0;
    double cdf = 1.0;
    if (n <= 140) {
      for (std::int64_t i = 1; i <= n; ++i)
        cdf *= static_cast<double>(i) * (1.0 / nf) * (2 * t - 1);
    } else {
      cdf = std::exp(LogFactorialOverPower(nf) + nf * std::log(2 * t - 1));
    }
    return Clip01(1.0 - cdf);
  }
  if (t >= nf - 1) return Clip01(2 * std::pow(1.0 - x, nf));  // Ruben–Gambino
  if (x >= 0.5) return Clip01(2 * SmirnovSurvival(n, x));
  const double nxsquared = t * x;
  if (n <= 140) {
    if (nxsquared <= 0.754693) return Clip01(1.0 - DurbinMatrixCdf(n, x));
    if (nxsquared <= 4) return Clip01(1.0 - PomeranzCdf(n, x));
    return Clip01(2 * SmirnovSurvival(n, x));
  }
  if (nxsquared >= 370.0) return 0.0;
  if (nxsquared >= 2.2) return Clip01(2 * SmirnovSurvival(n, x));
  double cdf = 0.0;
  if (n <= 100000 && nf * std::pow(x, 1.5) <= 1.4) {
    cdf = DurbinMatrixCdf(n, x);
  } else {
    cdf = PelzGoodCdf(n, x);
  }
  return Clip01(1.0 - cdf);
}

double ExactTwoSampleSurvival(std::int64_t n1, std::int64_t n2,
                              std::int64_t h) {
  if (n1 == n2) return ExactSquareSurvival(n1, h);
  return ExactRectangleSurvival(n1, n2, std::gcd(n1, n2), h);
}

KsResult KolmogorovSmirnovTestSorted(std::span<const double> sorted1,
                                     std::span<const double> sorted2,
                                     KsMethod method) {
  const auto n1 = static_cast<std::int64_t>(sorted1.size());
  const auto n2 = static_cast<std::int64_t>(sorted2.size());
  const std::int64_t g = std::gcd(n1, n2);
  const std::int64_t step1 = n2 / g;  // lcm / n1
  const std::int64_t step2 = n1 / g;  // lcm / n2
  const auto n1f = static_cast<double>(n1);
  const auto n2f = static_cast<double>(n2);

  // Walk both samples in order, evaluating F1 - F2 after each run of equal
  // values: as a double the way scipy does (for the asymptotic statistic) and
  // as an exact multiple of 1/lcm (for the lattice-path p-value).
  double max_diff = 0.0;
  double min_diff = 0.0;
  std::int64_t max_steps = 0;
  std::int64_t min_steps = 0;
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < sorted1.size() || j < sorted2.size()) {
    double v = 0;
    if (j >= sorted2.size() ||
        (i < sorted1.size() && sorted1[i] <= sorted2[j])) {
      v = sorted1[i];
    } else {
      v = sorted2[j];
    }
    while (i < sorted1.size() && sorted1[i] <= v) ++i;
    while (j < sorted2.size() && sorted2[j] <= v) ++j;
    const double diff =
        static_cast<double>(i) / n1f - static_cast<double>(j) / n2f;
    max_diff = std::max(max_diff, diff);
    min_diff = std::min(min_diff, diff);
    const std::int64_t steps = static_cast<std::int64_t>(i) * step1 -
                               static_cast<std::int64_t>(j) * step2;
    max_steps = std::max(max_steps, steps);
    min_steps = std::min(min_steps, steps);
  }
  KsResult result;
  result.statistic = std::max(max_diff, std::min(-min_diff, 1.0));

  if (method == KsMethod::kAuto) {
    method = std::max(n1, n2) <= kMaxExactN ? KsMethod::kExact
                                            : KsMethod::kAsymptotic;
  } else if (method == KsMethod::kExact &&
             static_cast<double>(n1 / g) >=
                 std::numeric_limits<std::int32_t>::max() /
                     static_cast<double>(n2 / g)) {
    method = KsMethod::kAsymptotic;  // lcm(n1, n2) too large for the lattice
  }
  if (method == KsMethod::kExact) {
    const std::int64_t lcm = (n1 / g) * n2;
    const std::int64_t h = std::max(max_steps, -min_steps);
    const double statistic = static_cast<double>(h) / static_cast<double>(lcm);
    const double p = h == 0 ? 1.0 : ExactTwoSampleSurvival(n1, n2, h);
    if (p >= 0 && p <= 1) {
      result.statistic = statistic;
      result.p_value = p;
      result.method = KsMethod::kExact;
      return result;
    }
    method = KsMethod::kAsymptotic;  // not representable: as scipy, fall back
  }
  const double big = std::max(n1f, n2f);
  const double small = std::min(n1f, n2f);
  const double en = big * small / (big + small);
  // np.round rounds half to even, as nearbyint does in the default mode.
  const auto n = static_cast<std::int64_t>(std::nearbyint(en));
  result.p_value = Clip01(
      KolmogorovSurvival(std::max<std::int64_t>(n, 1), result.statistic));
  result.method = KsMethod::kAsymptotic;
  return result;
}

StatusOr<KsResult> KolmogorovSmirnovTest(std::span<const double> sample1,
                                         std::span<const double> sample2,
                                         KsMethod method) {
  if (sample1.empty() || sample2.empty()) {
    return InvalidArgumentError(
        "Kolmogorov-Smirnov test needs at least one value in each sample");
  }
  std::vector<double> a(sample1.begin(), sample1.end());
  std::vector<double> b(sample2.begin(), sample2.end());
  for (const auto* sample : {&a, &b}) {
    if (std::any_of(sample->begin(), sample->end(),
                    [](double v) { return std::isnan(v); })) {
      return InvalidArgumentError("Kolmogorov-Smirnov test got a NaN value");
    }
  }
  // Sorting dominates; large samples are sorted concurrently.
  if (std::min(a.size(), b.size()) >= kParallelSortSize) {
    std::thread sort_b([&b] { SortSample(b); });
    SortSample(a);
    sort_b.join();
  } else {
    SortSample(a);
    SortSample(b);
  }
  return KolmogorovSmirnovTestSorted(a, b, method);
}

}  // namespace governance::monitoring
