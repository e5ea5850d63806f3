/* The uniqueness test behind fund.returns.xirr, step 1 of its method, in one pass of C.
 *
 * screen(dates, amounts) -> (floats, side, size) | None
 *
 * floats: the amounts as a list of Python floats (float(a) for each, as Python would give);
 * side:   +1 when the flows provably have exactly one rate and it is above 0, -1 when exactly
 *         one and it is below 0, 2 when it is 0 (the flows sum to zero, to rounding), 0 when
 *         this test cannot tell (Python decides, as before);
 * size:   |total of the first date's flows| (pyxirr's 1e-3 certifies relative to it); when
 *         side is +1 or -1 the floats come scaled by a power of two (exact) so that size is
 *         within [CERT_SCALE, MAX_SCALE] and pyxirr's answer on them is certified as it is.
 * None when an amount is not a number or the lengths differ (Python gives the reason).
 *
 * The test (fund.returns' module docstring): on x = ln(1 + r), the NPV has at most as many
 * roots above 0 as the running sums from the start change sign, and at most as many below 0 as
 * the running sums from the end; the signs of the NPV at -100 %, 0 and +inf give each count's
 * parity. With at most one change each way, no running sum within rounding of zero, the dates
 * ascending and of type date, the count on each side is exact.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <datetime.h>
#include <math.h>

#define STACK 128
#define CERT_SCALE 1e6  /* fund.returns._CERT_SCALE: pyxirr's 1e-3 over REL_TOL 1e-9 */
#define MAX_SCALE 1099511627776.0  /* fund.returns._MAX_SCALE, 2**40 */

static int key_of(PyObject *d, long *key) {
    if (!PyDate_CheckExact(d)) return 0;
    *key = (long)PyDateTime_GET_YEAR(d) * 512 + PyDateTime_GET_MONTH(d) * 32 +
           PyDateTime_GET_DAY(d);
    return 1;
}

static int sign_changes(const double *s, Py_ssize_t n) {
    int changes = 0;
    for (Py_ssize_t i = 1; i < n; i++) changes += (s[i] > 0.0) != (s[i - 1] > 0.0);
    return changes;
}

static int decide(PyObject *dates, const double *p, Py_ssize_t n, double *size) {
    double ahead_buf[STACK], behind_buf[STACK];
    double *ahead = ahead_buf, *behind = behind_buf;
    long first, last, key, prev;
    int side = 0;
    if (n < 2 || n > STACK) return 0;
    if (!key_of(PyList_GET_ITEM(dates, 0), &first)) return 0;
    if (!key_of(PyList_GET_ITEM(dates, n - 1), &last) || last <= first) return 0;
    prev = first;
    double a_first = 0.0, a_last = 0.0, run = 0.0, biggest = 0.0;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (!key_of(PyList_GET_ITEM(dates, i), &key) || key < prev) return 0;
        prev = key;
        if (!isfinite(p[i])) return 0;
        run += p[i];
        ahead[i] = run;
        if (key == first) a_first = run;
        if (fabs(run) > biggest) biggest = fabs(run);
    }
    double total = run;
    if (!isfinite(total)) return 0;
    if (fabs(total) <= (double)n * (double)n * 4.5e-16 * biggest) {
        /* r = 0 solves it to rounding: the only root when the running sums before the last
           date keep one sign, clear of rounding (those from the end are their negatives) */
        double ulp0 = (double)n * (double)n * 4.5e-16 * biggest;
        for (Py_ssize_t i = 0; i < n - 1; i++)
            if (fabs(ahead[i]) <= ulp0) return 0;
        return sign_changes(ahead, n - 1) == 0 ? 2 : 0;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        behind[i] = i == 0 ? total : total - ahead[i - 1];  /* P_i + ... + P_n-1 */
        if (fabs(behind[i]) > biggest) biggest = fabs(behind[i]);
    }
    for (Py_ssize_t i = n - 1; i >= 0; i--) {  /* the total on the last date */
        if (!key_of(PyList_GET_ITEM(dates, i), &key) || key != last) break;
        a_last = behind[i];
    }
    if (a_first == 0.0 || a_last == 0.0) return 0;
    double ulp = (double)n * (double)n * 4.5e-16 * biggest;
    for (Py_ssize_t i = 0; i < n; i++)
        if (fabs(ahead[i]) <= ulp || fabs(behind[i]) <= ulp) return 0;
    int up = total > 0.0;
    int above = (a_first > 0.0) != up, below = (a_last > 0.0) != up;
    if (above != below && sign_changes(ahead, n) <= 1 && sign_changes(behind, n) <= 1)
        side = above ? 1 : -1;
    *size = fabs(a_first);
    return side;
}

static PyObject *screen_lists(PyObject *dates, PyObject *amounts);

static PyObject *screen(PyObject *self, PyObject *args) {
    PyObject *dates, *amounts;
    if (!PyArg_ParseTuple(args, "O!O!", &PyList_Type, &dates, &PyList_Type, &amounts))
        return NULL;
    return screen_lists(dates, amounts);
}

/* solve(dates, amounts, xirr) -> rate | (floats, side, size) | None: screen, and where the
   screen proves one root, xirr(dates, floats) (pyxirr's) accepted on the proven side of 0. */
static PyObject *solve(PyObject *self, PyObject *args) {
    PyObject *dates, *amounts, *solver;
    if (!PyArg_ParseTuple(args, "O!O!O", &PyList_Type, &dates, &PyList_Type, &amounts, &solver))
        return NULL;
    PyObject *got = screen_lists(dates, amounts);
    if (got == NULL || got == Py_None) return got;
    long side = PyLong_AsLong(PyTuple_GET_ITEM(got, 1));
    if (side == 2) {
        Py_DECREF(got);
        return PyFloat_FromDouble(0.0);
    }
    if (side != 1 && side != -1) return got;
    PyObject *rate = PyObject_CallFunctionObjArgs(solver, dates, PyTuple_GET_ITEM(got, 0), NULL);
    if (rate == NULL) {
        if (!PyErr_ExceptionMatches(PyExc_Exception)) {
            Py_DECREF(got);
            return NULL;
        }
        PyErr_Clear();
        return got;
    }
    if (PyFloat_CheckExact(rate)) {
        double r = PyFloat_AS_DOUBLE(rate);
        if (r > -1.0 && r < HUGE_VAL && (r > 0.0) == (side > 0)) {
            Py_DECREF(got);
            return rate;
        }
    }
    Py_DECREF(rate);
    return got;
}

static PyObject *screen_lists(PyObject *dates, PyObject *amounts) {
    Py_ssize_t n = PyList_GET_SIZE(amounts);
    if (n != PyList_GET_SIZE(dates)) Py_RETURN_NONE;
    PyObject *floats = PyList_New(n);
    if (floats == NULL) return NULL;
    double buf[STACK];
    double *p = n <= STACK ? buf : NULL;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *item = PyList_GET_ITEM(amounts, i);
        double value = PyFloat_AsDouble(item);
        if (value == -1.0 && PyErr_Occurred()) {
            PyErr_Clear();
            Py_DECREF(floats);
            Py_RETURN_NONE;
        }
        PyObject *f = PyFloat_CheckExact(item) ? (Py_INCREF(item), item) : PyFloat_FromDouble(value);
        if (f == NULL) {
            Py_DECREF(floats);
            return NULL;
        }
        PyList_SET_ITEM(floats, i, f);
        if (p != NULL) p[i] = value;
    }
    double size = 0.0;
    int side = p != NULL ? decide(dates, p, n, &size) : 0;
    if ((side == 1 || side == -1) && (size < CERT_SCALE || size > MAX_SCALE)) {
        /* scaled by a power of two (exact) so that pyxirr's |NPV| < 1e-3 certifies the rate */
        int k = (int)lround(log2(2.0 * CERT_SCALE / size));
        if (k < -400 || k > 400) {
            side = 0;
        } else {
            for (Py_ssize_t i = 0; i < n; i++) {
                PyObject *f = PyFloat_FromDouble(ldexp(p[i], k));
                if (f == NULL) {
                    Py_DECREF(floats);
                    return NULL;
                }
                PyList_SetItem(floats, i, f);
            }
            size = ldexp(size, k);
        }
    }
    return Py_BuildValue("(Nid)", floats, side, size);
}

static PyMethodDef methods[] = {
    {"screen", screen, METH_VARARGS,
     "screen(dates, amounts) -> (floats, side, size) | None: fund.returns' step-1 test."},
    {"solve", solve, METH_VARARGS,
     "solve(dates, amounts, xirr) -> rate | (floats, side, size) | None: screen, then xirr."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_xirr_screen", NULL, -1, methods};

PyMODINIT_FUNC PyInit__xirr_screen(void) {
    PyDateTime_IMPORT;
    if (PyDateTimeAPI == NULL) return NULL;
    return PyModule_Create(&module);
}
